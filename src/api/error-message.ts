/** What a UI shows for anything thrown; the core's rule, for the renderer, which may import only src/api. */
export { errorMessage } from '../core/error-message.js';
