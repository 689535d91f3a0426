export { flakeOutline, PER_SYSTEM } from './outline';
export type { FlakeOutline, OutlineNode } from './outline';
