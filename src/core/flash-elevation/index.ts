export { elevatedFlashArgv, startElevatedFlash } from './elevated-flash';
export type { ElevatedFlashOptions, ElevationMethod } from './elevated-flash';
