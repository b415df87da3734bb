export { PortcullisError, NotReadyError, dispositionOf, codeOf, reasonOf } from './portcullis-error.js';
export type { Disposition, PortcullisErrorOptions } from './portcullis-error.js';
