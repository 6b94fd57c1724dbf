/**
 * Exports a chart (a canvas + SVG composite, or pure SVG) as a PNG or SVG file. The chart's
 * canvases and SVGs are composed at their on-screen positions on a white background; elements
 * marked `data-export-ignore` (tooltips) are left out. A canvas with a vector layer (see
 * setVectorLayer) goes into SVG files as vectors, any other as an embedded image. The file covers
 * everything drawn, plus a margin, even where a label pokes out of its box, so nothing is clipped.
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

/** White space around the chart in exported files, so titles do not touch the edge. */
export const EXPORT_MARGIN = 8;

/** SVG markup (in the canvas's CSS-pixel coordinates) that draws what a canvas shows. */
const vectorLayers = new WeakMap<HTMLCanvasElement, () => string>();

/** Registers (or with null removes) the vector drawing that stands in for a canvas in SVG exports. */
export function setVectorLayer(canvas: HTMLCanvasElement, render: (() => string) | null): void {
  if (render) vectorLayers.set(canvas, render);
  else vectorLayers.delete(canvas);
}

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

interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

function isExported(node: Element): boolean {
  return !node.closest('[data-export-ignore]');
}

/** Top-level canvases and SVGs of the chart, in painting (document) order. */
function exportedNodes(element: HTMLElement): (HTMLCanvasElement | SVGSVGElement)[] {
  return [...element.querySelectorAll<HTMLCanvasElement | SVGSVGElement>('canvas, svg')].filter((node) => {
    if (!isExported(node)) return false;
    if (node instanceof SVGSVGElement && node.ownerSVGElement) return false; // nested svg travels with its parent
    const rect = node.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  });
}

/**
 * The page area the file covers: the chart's box grown to everything it draws (text or markers that
 * poke out of their SVG, which the page shows but a file would clip), plus EXPORT_MARGIN around.
 */
function exportFrame(element: HTMLElement, nodes: readonly (HTMLCanvasElement | SVGSVGElement)[]): Frame {
  const box = element.getBoundingClientRect();
  let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
  const grow = (rect: DOMRect): void => {
    if (rect.width === 0 && rect.height === 0) return;
    left = Math.min(left, rect.left);
    top = Math.min(top, rect.top);
    right = Math.max(right, rect.right);
    bottom = Math.max(bottom, rect.bottom);
  };
  for (const node of nodes) {
    grow(node.getBoundingClientRect());
    if (node instanceof SVGSVGElement) {
      for (const shape of node.querySelectorAll<SVGGraphicsElement>('text, line, path, circle, rect, polygon, polyline')) {
        if (isExported(shape)) grow(shape.getBoundingClientRect());
      }
    }
  }
  return {
    left: left - EXPORT_MARGIN,
    top: top - EXPORT_MARGIN,
    width: Math.ceil(right - left + 2 * EXPORT_MARGIN),
    height: Math.ceil(bottom - top + 2 * EXPORT_MARGIN),
  };
}

function layersOf(nodes: readonly (HTMLCanvasElement | SVGSVGElement)[], frame: Frame): Layer[] {
  return nodes.map((node) => {
    const rect = node.getBoundingClientRect();
    return { node, x: rect.left - frame.left, y: rect.top - frame.top, width: rect.width, height: rect.height };
  });
}

function cloneWithInlineStyles(svg: SVGSVGElement): SVGSVGElement {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((original, i) => {
    const copy = copies[i];
    if (!(copy instanceof SVGElement)) return;
    if (!isExported(original)) {
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
  // Text that pokes out of the svg's box is inside the file's frame: let it show.
  clone.setAttribute('overflow', 'visible');
  return clone;
}

function placed<T extends SVGElement>(node: T, layer: Layer): T {
  node.setAttribute('x', String(layer.x));
  node.setAttribute('y', String(layer.y));
  node.setAttribute('width', String(layer.width));
  node.setAttribute('height', String(layer.height));
  return node;
}

/** One standalone SVG document: canvases become their vector layers (or embedded PNG images), SVGs are nested in place. */
export function chartToSvgString(element: HTMLElement): string {
  const nodes = exportedNodes(element);
  const frame = exportFrame(element, nodes);
  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('xmlns:xlink', XLINK_NS);
  root.setAttribute('width', String(frame.width));
  root.setAttribute('height', String(frame.height));
  root.setAttribute('viewBox', `0 0 ${frame.width} ${frame.height}`);
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  root.append(background);
  for (const layer of layersOf(nodes, frame)) {
    if (layer.node instanceof HTMLCanvasElement) {
      const vector = vectorLayers.get(layer.node);
      if (vector) {
        const nested = placed(document.createElementNS(SVG_NS, 'svg'), layer);
        nested.setAttribute('viewBox', `0 0 ${layer.width} ${layer.height}`);
        nested.innerHTML = vector();
        root.append(nested);
      } else {
        const image = placed(document.createElementNS(SVG_NS, 'image'), layer);
        image.setAttribute('href', layer.node.toDataURL('image/png'));
        root.append(image);
      }
    } else {
      root.append(placed(cloneWithInlineStyles(layer.node), layer));
    }
  }
  return new XMLSerializer().serializeToString(root);
}

/**
 * The SVG rendered as an image of the whole frame (an image clips at its own box, and text may poke
 * out of the svg's box): its viewBox is the frame, in the svg's own coordinates.
 */
function loadSvgImage(svg: SVGSVGElement, frame: Frame): Promise<HTMLImageElement> {
  const clone = cloneWithInlineStyles(svg);
  const box = svg.getBoundingClientRect();
  clone.setAttribute('width', String(frame.width));
  clone.setAttribute('height', String(frame.height));
  clone.setAttribute('viewBox', `${frame.left - box.left} ${frame.top - box.top} ${frame.width} ${frame.height}`);
  const text = new XMLSerializer().serializeToString(clone);
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
  const nodes = exportedNodes(element);
  const frame = exportFrame(element, nodes);
  const scale = Math.max(2, window.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(frame.width * scale);
  canvas.height = Math.ceil(frame.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('Canvas 2D is not available for export.');
  context.scale(scale, scale);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, frame.width, frame.height);
  for (const layer of layersOf(nodes, frame)) {
    if (layer.node instanceof HTMLCanvasElement) context.drawImage(layer.node, layer.x, layer.y, layer.width, layer.height);
    else context.drawImage(await loadSvgImage(layer.node, frame), 0, 0, frame.width, frame.height);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed.'))), 'image/png'),
  );
}
