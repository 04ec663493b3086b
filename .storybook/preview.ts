import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
// The manifest `npm run build` writes from the elements' JSDoc (main.ts writes it when missing):
// the same file the package ships, so the docs pages and controls show what a consumer's editor does.
import manifest from '../packages/elements/dist/custom-elements.json';
import './preview.css';

setCustomElementsManifest(manifest);

const preview: Preview = {
  // A docs page per element: attributes, properties, events, slots, parts and CSS properties.
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
