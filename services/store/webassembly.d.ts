// The little of WebAssembly's global API the embedded database's driver uses (pglite-driver.ts):
// the project is typed with the ES2022 library and Node's types, neither of which declares it.
declare namespace WebAssembly {
  /** A compiled module: opaque here, handed to PGlite (and, cloned, to its thread). */
  interface Module {
    readonly __compiledWasm?: never;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
