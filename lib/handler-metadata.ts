/** The template metadata key that names each function's handler (read by local mode and the bench). */
export const HANDLER_METADATA_KEY = 'idenfy-multidoc:handler';
