/* Tandem's one small API client, shared by the widget, the console and the policy page.
 * Vanilla JS, no build step. The widget is served as this file followed by widget.js, so a
 * shop still embeds one <script> tag; the console and the policy page load it before their own.
 *
 *   var api = TandemApi.client(baseUrl, {
 *     token: function () { return "..."; },          // the bearer token, or "" for none
 *     unauthorized: function (path) { ... },         // optional: called on a 401
 *     failed: function (status) { return "..."; },   // optional: the message when none is sent
 *     offline: function () { return "..."; },        // optional: the message for a network error
 *     credentials: "omit"                            // optional: fetch's credentials mode
 *   });
 *   api("POST", "/path", body).then(function (data) { ... }, function (err) { err.message });
 *
 * Errors are TandemApi.ApiError {status, code, message, problems}; the body's
 * {"error": {"code", "message", "problems"}} is read when the server sends one.
 */
(function (root) {
  "use strict";
  if (root.TandemApi) return;

  function ApiError(status, code, message, problems) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.problems = problems;
  }

  function parsed(raw) {
    try {
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function client(base, options) {
    var opts = options || {};
    function failed(status) {
      return opts.failed ? opts.failed(status) : "Request failed (" + status + ")";
    }
    return function api(method, path, body) {
      var headers = { Accept: "application/json" };
      var token = opts.token ? opts.token() : "";
      if (body !== undefined) headers["Content-Type"] = "application/json";
      if (token) headers.Authorization = "Bearer " + token;
      var init = {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      };
      if (opts.credentials) init.credentials = opts.credentials;
      return fetch(base + path, init).then(
        function (res) {
          return res.text().then(function (raw) {
            var data = parsed(raw);
            if (res.ok) return data;
            var err = (data && data.error) || {};
            if (res.status === 401 && opts.unauthorized) opts.unauthorized(path);
            throw new ApiError(
              res.status, err.code || "http_" + res.status, err.message || failed(res.status), err.problems
            );
          });
        },
        function () {
          throw new ApiError(0, "network", opts.offline ? opts.offline() : "Cannot reach the server.");
        }
      );
    };
  }

  root.TandemApi = { client: client, ApiError: ApiError };
})(window);
