// Starts Swagger UI (vendored by scripts/vendor.sh) on the /api/docs page
// (internal/web/docs.go) with this server's OpenAPI document. It is a file,
// not an inline script, because the Content-Security-Policy allows scripts
// only from this server's files.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    domNode: root,
    // BaseLayout has no top bar in which a visitor could load another
    // document; the URL's query string cannot configure the page either.
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    queryConfigEnabled: false,
    validatorUrl: null, // never send the document to validator.swagger.io
    deepLinking: true, // #/Tag/operationId links to one operation
    docExpansion: "list",
    defaultModelsExpandDepth: 1, // the Schemas section lists every schema
    filter: true,
    displayOperationId: true,
    persistAuthorization: false // a pasted token does not outlive the tab
  });
})();
