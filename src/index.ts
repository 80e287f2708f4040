// The library's public surface, for notebooks (`import * as a2 from "../dist"`) and scripts.

export * from "./config";
export * from "./data";
export * from "./display";
export * from "./errors";
export * from "./figures";
export * from "./format";
export * from "./gradcheck";
export * from "./model";
export * as nb from "./notebook";
export * from "./pool";
export * from "./reference";
export * from "./session";
export * from "./tables";
export * from "./tasks";
export * from "./train";
export * from "./meta";
