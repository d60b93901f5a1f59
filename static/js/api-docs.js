// /api/docs: Swagger UI (static/vendor) rendering the store's own OpenAPI document. A file of
// its own, not an inline <script>, because the CSP allows scripts from our origin only.
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    // Swagger UI would otherwise ask validator.swagger.io about the document: nothing leaves the store.
    validatorUrl: null,
  });
})();
