export { elevatedFlashArgv, startElevatedFlash } from './elevated-flash';
export type { ElevatedFlashOptions, ElevationMethod } from './elevated-flash';
export { elevatedCardArgv, elevatedReadCardBootMenu, elevatedSeedHostKey, elevatedSetCardBootDefault, previewReplacedHostKeys, runElevatedCard } from './elevated-card';
export type { CardBootMenuSummary, ElevatedCardBase, ElevatedSeedHostKeyOptions, SetCardBootDefaultSummary } from './elevated-card';
