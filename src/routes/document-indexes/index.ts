import type { Router } from "../../http/router";
import { registerAddDocument } from "./add-document";
import { registerCreateDocumentIndex } from "./create";
import { registerDeleteDocumentIndex } from "./delete";
import { registerGetDocumentIndex } from "./get";
import { registerListDocumentIndexes } from "./list";
import { registerListDocuments } from "./list-documents";
import { registerRemoveDocument } from "./remove-document";
import { registerSearch } from "./search";

export function registerDocumentIndexRoutes(router: Router) {
  registerListDocumentIndexes(router);
  registerCreateDocumentIndex(router);
  registerGetDocumentIndex(router);
  registerDeleteDocumentIndex(router);
  registerListDocuments(router);
  registerAddDocument(router);
  registerRemoveDocument(router);
  registerSearch(router);
}
