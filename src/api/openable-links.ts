/** Which links may be handed to the OS or put in a report: the core's rule, for the window and reports, which bundle only zod-free modules of src/api. */
export { isOpenableLink, OPENABLE_SCHEMES } from '../core/openable-links.js';
