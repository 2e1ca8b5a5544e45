import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { pdfFontPlugin } from './src/pdf-font.build.ts';

export default defineConfig({
  base: '/app/',
  plugins: [preact(), pdfFontPlugin()],
  // The one chunk past Vite's 500 kB warning is the PDF writer (pdf-lib and fontkit, about 1.1 MB,
  // 0.5 MB gzipped), loaded only when a patient asks for a PDF.
  build: { chunkSizeWarningLimit: 1200 },
});
