/**
 * Exports a chart (a canvas + SVG composite, or pure SVG) as a PNG or SVG file. The chart's
 * canvases and SVGs are composed at their on-screen positions on a white background; elements
 * marked `data-export-ignore` (tooltips) are left out.
 */
import { downloadBlob } from '../download.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** Computed styles copied onto the exported SVG, so CSS-styled text and lines look the same in the file. */
const INLINED_STYLES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity',
  'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'paint-order', 'stroke-linejoin', 'stroke-linecap',
] as const;

export type ExportFormat = 'png' | 'svg';

export async function exportChart(element: HTMLElement, format: ExportFormat, filename: string): Promise<void> {
  const blob = format === 'svg' ? new Blob([chartToSvgString(element)], { type: 'image/svg+xml' }) : await chartToPngBlob(element);
  const name = filename.toLowerCase().endsWith(`.${format}`) ? filename : `${filename}.${format}`;
  downloadBlob(blob, name);
}

interface Layer {
  node: HTMLCanvasElement | SVGSVGElement;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Top-level canvases and SVGs of the chart, in painting (document) order, relative to the chart. */
function layersOf(element: HTMLElement): Layer[] {
  const origin = element.getBoundingClientRect();
  const layers: Layer[] = [];
  for (const node of element.querySelectorAll<HTMLCanvasElement | SVGSVGElement>('canvas, svg')) {
    if (node.closest('[data-export-ignore]')) continue;
    if (node instanceof SVGSVGElement && node.ownerSVGElement) continue; // nested svg travels with its parent
    const rect = node.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    layers.push({ node, x: rect.left - origin.left, y: rect.top - origin.top, width: rect.width, height: rect.height });
  }
  return layers;
}

function cloneWithInlineStyles(svg: SVGSVGElement): SVGSVGElement {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((original, i) => {
    const copy = copies[i];
    if (!(copy instanceof SVGElement)) return;
    if (original.closest('[data-export-ignore]')) {
      copy.remove();
      return;
    }
    const computed = getComputedStyle(original);
    const declarations = INLINED_STYLES.map((property) => `${property}:${computed.getPropertyValue(property)}`);
    // Through the CSSOM, which the page's CSP allows (it refuses style attributes set as markup).
    copy.style.cssText = declarations.join(';');
  });
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('xmlns:xlink', XLINK_NS);
  return clone;
}

/** One standalone SVG document: canvases become embedded PNG images, SVGs are nested in place. */
export function chartToSvgString(element: HTMLElement): string {
  const { width, height } = element.getBoundingClientRect();
  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('xmlns:xlink', XLINK_NS);
  root.setAttribute('width', String(Math.ceil(width)));
  root.setAttribute('height', String(Math.ceil(height)));
  root.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  root.append(background);
  for (const layer of layersOf(element)) {
    if (layer.node instanceof HTMLCanvasElement) {
      const image = document.createElementNS(SVG_NS, 'image');
      image.setAttribute('x', String(layer.x));
      image.setAttribute('y', String(layer.y));
      image.setAttribute('width', String(layer.width));
      image.setAttribute('height', String(layer.height));
      image.setAttribute('href', layer.node.toDataURL('image/png'));
      root.append(image);
    } else {
      const nested = cloneWithInlineStyles(layer.node);
      nested.setAttribute('x', String(layer.x));
      nested.setAttribute('y', String(layer.y));
      nested.setAttribute('width', String(layer.width));
      nested.setAttribute('height', String(layer.height));
      root.append(nested);
    }
  }
  return new XMLSerializer().serializeToString(root);
}

function loadSvgImage(svg: SVGSVGElement): Promise<HTMLImageElement> {
  const text = new XMLSerializer().serializeToString(cloneWithInlineStyles(svg));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('Could not render the chart SVG for export.'));
    // A data URL (not a blob URL) keeps the export canvas untainted in every browser.
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  });
}

/** The chart as a PNG at (at least) twice its CSS size, so it stays sharp in slides. */
export async function chartToPngBlob(element: HTMLElement): Promise<Blob> {
  const { width, height } = element.getBoundingClientRect();
  const scale = Math.max(2, window.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('Canvas 2D is not available for export.');
  context.scale(scale, scale);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  for (const layer of layersOf(element)) {
    const source = layer.node instanceof HTMLCanvasElement ? layer.node : await loadSvgImage(layer.node);
    context.drawImage(source, layer.x, layer.y, layer.width, layer.height);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed.'))), 'image/png'),
  );
}
