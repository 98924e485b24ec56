// thrift-wire.ts describes the small part of the `thrift` package it uses with its own interfaces.
declare module 'thrift' {
  const thrift: unknown;
  export default thrift;
}
