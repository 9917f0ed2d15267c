import type { Router } from "../../http/router";
import { registerAddDocument } from "./add-document";
import { registerCreateDocumentIndex } from "./create";
import { registerGetDocumentIndex } from "./get";
import { registerListDocumentIndexes } from "./list";
import { registerRemoveDocument } from "./remove-document";
import { registerSearch } from "./search";

export function registerDocumentIndexRoutes(router: Router) {
  registerListDocumentIndexes(router);
  registerCreateDocumentIndex(router);
  registerGetDocumentIndex(router);
  registerAddDocument(router);
  registerRemoveDocument(router);
  registerSearch(router);
}
