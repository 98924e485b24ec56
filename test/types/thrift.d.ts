// The `thrift` package is the reference the wire tests check thrift-wire.ts's bytes against; they
// describe the small part of it they use with their own interfaces.
declare module 'thrift' {
  const thrift: unknown;
  export default thrift;
}
