// The library's public surface, for notebooks (`import * as a2 from "../dist"`) and scripts: every
// layer but grading.

export * from "./base/errors";
export * from "./base/meta";
export * from "./contract/contract";
export * from "./contract/format";
export * from "./contract/table";
export * from "./mlp/config";
export * from "./mlp/data";
export * from "./mlp/gradcheck";
export * from "./mlp/model";
export * from "./mlp/pool";
export * from "./mlp/reference";
export * from "./mlp/train";
export * from "./notebook/display";
export * from "./notebook/figures";
export * as nb from "./notebook/notebook";
export * from "./notebook/session";
export * from "./notebook/tables";
export * from "./notebook/tasks";
export * from "./notebook/names";
export * from "./notebook/seeds";
