import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Registers <realstream-room>, <realstream-chat>, <realstream-tools>, <realstream-dashboard>.
import '@realstream/elements/define';
import { App } from './App';
import './app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
