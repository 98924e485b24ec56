/** The build's appId (electron-builder.yml); Windows groups notifications under it. */
export const APP_ID = 'org.porchlight.app';
