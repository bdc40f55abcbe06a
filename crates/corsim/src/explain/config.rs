//! The server configuration that produces a fix's answers, for the servers
//! and frameworks people run. Each snippet is generated from the CORS policy
//! the fixed answers amount to: an explicit origin allow-list (never a
//! reflected arbitrary origin), the methods and headers the preflight must
//! allow, credentials only when the request includes them (and then never
//! `*`), and `Vary: Origin`.

/// The configuration for one server or framework.
///
/// ```
/// use corsim::explain::explain;
/// use corsim::{HttpResponse, Origin, Profile, RequestInit};
/// let init = RequestInit::get("https://api.example/items").method("PATCH").header("X-Trace", "1");
/// let e = explain(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init, |_| HttpResponse::new(200));
/// let configs = e.fix.unwrap().configs;
/// let express = configs.iter().find(|c| c.server == "Express (cors)").unwrap();
/// assert!(express.snippet.contains("origin: ['https://app.example']"));
/// assert!(express.snippet.contains("methods: ['PATCH']"));
/// assert!(express.snippet.contains("allowedHeaders: ['x-trace']"));
/// assert_eq!(configs.len(), 11);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ServerConfig {
    /// The server or framework, e.g. `"nginx"`, `"Express (cors)"`.
    pub server: String,
    /// The snippet's language, for highlighting (`js`, `nginx`, `python`, …).
    pub language: String,
    /// The configuration.
    pub snippet: String,
}

/// What the fixed answers amount to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Policy {
    /// The origin to allow.
    pub origin: String,
    /// `*` (no credentials, the request's origin is `null`).
    pub any_origin: bool,
    /// Methods the preflight allows (beyond the safelisted ones).
    pub methods: Vec<String>,
    /// Header names the preflight allows, lower-case.
    pub headers: Vec<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub credentials: bool,
    /// Whether a preflight is involved.
    pub preflight: bool,
    /// The request's method.
    pub method: String,
    /// The URL path.
    pub path: String,
    /// `Access-Control-Allow-Origin` came from two layers.
    pub duplicate_layers: bool,
    /// The preflight was refused with this status.
    pub preflight_status: Option<u16>,
    /// The preflight was redirected.
    pub preflight_redirect: bool,
}

impl Policy {
    fn methods(&self) -> Vec<String> {
        if self.methods.is_empty() {
            vec![self.method.clone()]
        } else {
            self.methods.clone()
        }
    }

    fn auth_refused(&self) -> bool {
        matches!(self.preflight_status, Some(401 | 403))
    }

    /// The nginx `location` prefix for the path: its first segment.
    fn location(&self) -> String {
        let segments: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        if segments.len() > 1 {
            format!("/{}/", segments[0])
        } else {
            "/".to_owned()
        }
    }
}

/// Every configuration, in a fixed order.
pub(crate) fn generate(p: &Policy) -> Vec<ServerConfig> {
    vec![
        cfg("Express (cors)", "js", express(p)),
        cfg("nginx", "nginx", nginx(p)),
        cfg("Apache (mod_headers)", "apache", apache(p)),
        cfg("FastAPI / Starlette", "python", fastapi(p)),
        cfg("Django (django-cors-headers)", "python", django(p)),
        cfg("Flask-CORS", "python", flask(p)),
        cfg("Go net/http", "go", go(p)),
        cfg("actix-web (actix-cors)", "rust", actix(p)),
        cfg("axum (tower-http)", "rust", tower(p)),
        cfg("Next.js (middleware.ts)", "ts", next_js(p)),
        cfg("Spring (WebMvcConfigurer)", "java", spring(p)),
    ]
}

fn cfg(server: &str, language: &str, snippet: String) -> ServerConfig {
    ServerConfig { server: server.to_owned(), language: language.to_owned(), snippet }
}

fn escaped(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
    out
}

/// A JavaScript string.
fn js(s: &str) -> String {
    escaped(s, '\'')
}

/// A double-quoted string (Python, Go, Rust, Java, nginx).
fn dq(s: &str) -> String {
    escaped(s, '"')
}

fn list(items: &[String], quote: fn(&str) -> String) -> String {
    items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", ")
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn express(p: &Policy) -> String {
    let mut s = String::from("// npm install cors\nconst cors = require('cors');\n\nconst corsOptions = {\n");
    if p.any_origin {
        s.push_str("  origin: '*', // any site may read it: only for public data fetched without credentials\n");
    } else {
        s.push_str(&format!(
            "  origin: [{}], // an allow-list; never `true`, which reflects every origin\n",
            js(&p.origin)
        ));
    }
    if p.preflight {
        s.push_str(&format!("  methods: [{}],\n", list(&p.methods(), js)));
        if !p.headers.is_empty() {
            s.push_str(&format!("  allowedHeaders: [{}],\n", list(&p.headers, js)));
        }
    }
    if p.credentials {
        s.push_str("  credentials: true,\n");
    }
    s.push_str("};\n");
    if p.auth_refused() {
        s.push_str("// Before the authentication middleware: preflights carry no credentials.\n");
    } else if p.preflight_redirect {
        s.push_str("// Before anything that redirects (trailing slash, https): a preflight is never redirected.\n");
    } else {
        s.push_str("// Before the routes, so it answers preflights itself (204).\n");
    }
    s.push_str("app.use(cors(corsOptions));\n");
    if p.duplicate_layers {
        s.push_str("// And remove Access-Control-Allow-Origin from the proxy in front: exactly one layer may add it.\n");
    }
    s
}

fn nginx(p: &Policy) -> String {
    let mut s = String::new();
    let origin_value = if p.any_origin {
        "*".to_owned()
    } else {
        s.push_str("# In the http block: the allow-list (an empty value sends no header).\n");
        s.push_str("map $http_origin $cors_allow_origin {\n    default \"\";\n");
        s.push_str(&format!("    {} $http_origin;\n}}\n\n", dq(&p.origin)));
        "$cors_allow_origin".to_owned()
    };
    let common = |s: &mut String, indent: &str| {
        s.push_str(&format!("{indent}add_header Access-Control-Allow-Origin {origin_value} always;\n"));
        if p.credentials {
            s.push_str(&format!("{indent}add_header Access-Control-Allow-Credentials \"true\" always;\n"));
        }
        if !p.any_origin {
            s.push_str(&format!("{indent}add_header Vary Origin always;\n"));
        }
    };
    s.push_str(&format!("# In the server block, for the location that serves {}:\nlocation {} {{\n", p.path, p.location()));
    if p.preflight {
        if p.preflight_redirect {
            s.push_str("    # Before any rewrite or return 301 here: a preflight is never redirected.\n");
        }
        s.push_str("    if ($request_method = OPTIONS) {\n");
        common(&mut s, "        ");
        s.push_str(&format!("        add_header Access-Control-Allow-Methods {} always;\n", dq(&p.methods().join(", "))));
        if !p.headers.is_empty() {
            s.push_str(&format!("        add_header Access-Control-Allow-Headers {} always;\n", dq(&p.headers.join(", "))));
        }
        s.push_str("        return 204;\n    }\n");
    }
    common(&mut s, "    ");
    if p.duplicate_layers {
        s.push_str("    # The application adds Access-Control-Allow-Origin too: drop its copy, keep exactly one.\n");
        s.push_str("    proxy_hide_header Access-Control-Allow-Origin;\n");
        if p.credentials {
            s.push_str("    proxy_hide_header Access-Control-Allow-Credentials;\n");
        }
    }
    s.push_str("    # ... proxy_pass or root as before\n}\n");
    s
}

fn apache(p: &Policy) -> String {
    let mut s = String::from("# mod_headers and mod_rewrite, in the <VirtualHost> or <Location> that serves the URL\n");
    let env = if p.any_origin {
        s.push_str("Header always set Access-Control-Allow-Origin \"*\"\n");
        String::new()
    } else {
        s.push_str(&format!(
            "SetEnvIf Origin \"^({})$\" CORS_ALLOW_ORIGIN=$1\n",
            regex_escape(&p.origin)
        ));
        if p.duplicate_layers {
            s.push_str("# The application sets it too: drop its copy, keep exactly one.\nHeader onsuccess unset Access-Control-Allow-Origin\n");
        }
        s.push_str("Header always set Access-Control-Allow-Origin \"%{CORS_ALLOW_ORIGIN}e\" env=CORS_ALLOW_ORIGIN\n");
        s.push_str("Header always merge Vary Origin\n");
        " env=CORS_ALLOW_ORIGIN".to_owned()
    };
    if p.credentials {
        s.push_str(&format!("Header always set Access-Control-Allow-Credentials \"true\"{env}\n"));
    }
    if p.preflight {
        s.push_str(&format!("Header always set Access-Control-Allow-Methods {}{env}\n", dq(&p.methods().join(", "))));
        if !p.headers.is_empty() {
            s.push_str(&format!("Header always set Access-Control-Allow-Headers {}{env}\n", dq(&p.headers.join(", "))));
        }
        s.push_str("# Answer preflights here, before the application (and its authentication) sees them.\n");
        s.push_str("RewriteEngine On\nRewriteCond %{REQUEST_METHOD} =OPTIONS\n");
        s.push_str("RewriteCond %{HTTP:Access-Control-Request-Method} !^$\nRewriteRule ^ - [R=204,L]\n");
    }
    s
}

fn fastapi(p: &Policy) -> String {
    let mut s = String::from(
        "from fastapi.middleware.cors import CORSMiddleware  # Starlette: starlette.middleware.cors\n\n",
    );
    s.push_str("# Added last, it is the outermost middleware and answers preflights before anything else.\n");
    s.push_str("app.add_middleware(\n    CORSMiddleware,\n");
    if p.any_origin {
        s.push_str("    allow_origins=[\"*\"],  # public data, no credentials\n");
    } else {
        s.push_str(&format!("    allow_origins=[{}],  # an explicit list; never [\"*\"] with credentials\n", dq(&p.origin)));
    }
    if p.preflight {
        s.push_str(&format!("    allow_methods=[{}],\n", list(&p.methods(), dq)));
        if !p.headers.is_empty() {
            s.push_str(&format!("    allow_headers=[{}],\n", list(&p.headers, dq)));
        }
    }
    if p.credentials {
        s.push_str("    allow_credentials=True,\n");
    }
    s.push_str(")\n");
    s
}

fn django(p: &Policy) -> String {
    const DEFAULT_METHODS: [&str; 6] = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
    const DEFAULT_HEADERS: [&str; 6] =
        ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"];
    let mut s = String::from("# settings.py (pip install django-cors-headers)\n");
    s.push_str("INSTALLED_APPS = [\n    # ...\n    \"corsheaders\",\n]\n");
    s.push_str("MIDDLEWARE = [\n    \"corsheaders.middleware.CorsMiddleware\",  # as high as possible, above CommonMiddleware\n");
    s.push_str("    \"django.middleware.common.CommonMiddleware\",\n    # ...\n]\n");
    if p.any_origin {
        s.push_str("CORS_ALLOW_ALL_ORIGINS = True  # public data, no credentials\n");
    } else {
        s.push_str(&format!("CORS_ALLOWED_ORIGINS = [{}]  # scheme://host[:port], no trailing slash\n", dq(&p.origin)));
    }
    if p.credentials {
        s.push_str("CORS_ALLOW_CREDENTIALS = True\n");
    }
    if p.preflight {
        let extra_methods: Vec<String> =
            p.methods().into_iter().filter(|m| !DEFAULT_METHODS.contains(&m.as_str())).collect();
        let extra_headers: Vec<String> =
            p.headers.iter().filter(|h| !DEFAULT_HEADERS.contains(&h.as_str())).cloned().collect();
        if !extra_methods.is_empty() || !extra_headers.is_empty() {
            s.push_str("from corsheaders.defaults import default_headers, default_methods\n");
        }
        if !extra_methods.is_empty() {
            s.push_str(&format!("CORS_ALLOW_METHODS = (*default_methods, {})\n", list(&extra_methods, dq)));
        }
        if !extra_headers.is_empty() {
            s.push_str(&format!("CORS_ALLOW_HEADERS = (*default_headers, {})\n", list(&extra_headers, dq)));
        }
    }
    s
}

fn flask(p: &Policy) -> String {
    let mut s = String::from("from flask_cors import CORS  # pip install flask-cors\n\nCORS(\n    app,\n");
    if p.any_origin {
        s.push_str("    origins=\"*\",  # public data, no credentials\n");
    } else {
        s.push_str(&format!("    origins=[{}],\n", dq(&p.origin)));
    }
    if p.preflight {
        s.push_str(&format!("    methods=[{}],\n", list(&p.methods(), dq)));
        if !p.headers.is_empty() {
            s.push_str(&format!("    allow_headers=[{}],\n", list(&p.headers, dq)));
        }
    }
    if p.credentials {
        s.push_str("    supports_credentials=True,\n");
    }
    s.push_str(")\n");
    s
}

fn go(p: &Policy) -> String {
    let mut s = String::new();
    if !p.any_origin {
        s.push_str(&format!("var allowedOrigins = map[string]bool{{\n\t{}: true,\n}}\n\n", dq(&p.origin)));
    }
    s.push_str("// withCORS wraps the whole handler, outside any authentication.\n");
    s.push_str("func withCORS(next http.Handler) http.Handler {\n");
    s.push_str("\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n\t\th := w.Header()\n");
    let allowed = if p.any_origin {
        s.push_str("\t\th.Set(\"Access-Control-Allow-Origin\", \"*\")\n");
        "true"
    } else {
        s.push_str("\t\th.Add(\"Vary\", \"Origin\")\n\t\torigin := r.Header.Get(\"Origin\")\n");
        s.push_str("\t\tallowed := allowedOrigins[origin]\n\t\tif allowed {\n");
        s.push_str("\t\t\th.Set(\"Access-Control-Allow-Origin\", origin)\n");
        if p.credentials {
            s.push_str("\t\t\th.Set(\"Access-Control-Allow-Credentials\", \"true\")\n");
        }
        s.push_str("\t\t}\n");
        "allowed"
    };
    if p.preflight {
        s.push_str("\t\tif r.Method == http.MethodOptions && r.Header.Get(\"Access-Control-Request-Method\") != \"\" {\n");
        let mut inner = format!("h.Set(\"Access-Control-Allow-Methods\", {})\n", dq(&p.methods().join(", ")));
        if !p.headers.is_empty() {
            inner.push_str(&format!("h.Set(\"Access-Control-Allow-Headers\", {})\n", dq(&p.headers.join(", "))));
        }
        if allowed == "true" {
            for line in inner.lines() {
                s.push_str(&format!("\t\t\t{line}\n"));
            }
        } else {
            s.push_str("\t\t\tif allowed {\n");
            for line in inner.lines() {
                s.push_str(&format!("\t\t\t\t{line}\n"));
            }
            s.push_str("\t\t\t}\n");
        }
        s.push_str("\t\t\tw.WriteHeader(http.StatusNoContent)\n\t\t\treturn\n\t\t}\n");
    }
    s.push_str("\t\tnext.ServeHTTP(w, r)\n\t})\n}\n");
    if p.duplicate_layers {
        s.push_str("// Set Access-Control-Allow-Origin only here: remove it from handlers and proxies in front.\n");
    }
    s
}

fn actix(p: &Policy) -> String {
    let mut s = String::from("use actix_cors::Cors;\n\nHttpServer::new(|| {\n    let cors = Cors::default()\n");
    if p.any_origin {
        s.push_str("        .allow_any_origin()\n        .send_wildcard() // '*': public data, no credentials\n");
    } else {
        s.push_str(&format!("        .allowed_origin({})\n", dq(&p.origin)));
    }
    if p.preflight {
        s.push_str(&format!("        .allowed_methods([{}])\n", list(&p.methods(), dq)));
        if !p.headers.is_empty() {
            s.push_str(&format!("        .allowed_headers([{}])\n", list(&p.headers, dq)));
        }
    }
    if p.credentials {
        s.push_str("        .supports_credentials()\n");
    }
    s.pop();
    s.push_str(";\n    App::new().wrap(cors) // .service(...)\n})\n");
    s
}

fn tower(p: &Policy) -> String {
    let mut s = String::from("use axum::http::{HeaderName, HeaderValue, Method};\nuse tower_http::cors::CorsLayer;\n\n");
    s.push_str("let cors = CorsLayer::new()\n");
    if p.any_origin {
        s.push_str("    .allow_origin(tower_http::cors::Any) // '*': public data, no credentials\n");
    } else {
        s.push_str(&format!("    .allow_origin([{}.parse::<HeaderValue>().unwrap()])\n", dq(&p.origin)));
    }
    if p.preflight {
        let methods: Vec<String> = p
            .methods()
            .iter()
            .map(|m| match m.as_str() {
                "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH" => format!("Method::{m}"),
                other => format!("Method::from_bytes(b{}).unwrap()", dq(other)),
            })
            .collect();
        s.push_str(&format!("    .allow_methods([{}])\n", methods.join(", ")));
        if !p.headers.is_empty() {
            let headers: Vec<String> =
                p.headers.iter().map(|h| format!("HeaderName::from_static({})", dq(h))).collect();
            s.push_str(&format!("    .allow_headers([{}])\n", headers.join(", ")));
        }
    }
    if p.credentials {
        s.push_str("    .allow_credentials(true)\n");
    }
    s.pop();
    s.push_str(";\nlet app = Router::new() /* .route(...) */ .layer(cors);\n");
    s
}

fn next_js(p: &Policy) -> String {
    let mut s = String::from("// middleware.ts\nimport { NextRequest, NextResponse } from 'next/server'\n\n");
    if !p.any_origin {
        s.push_str(&format!("const allowedOrigins = [{}]\n", js(&p.origin)));
    }
    let mut headers = Vec::new();
    if p.credentials {
        headers.push(("Access-Control-Allow-Credentials".to_owned(), "true".to_owned()));
    }
    let mut preflight_headers = Vec::new();
    if p.preflight {
        preflight_headers.push(("Access-Control-Allow-Methods".to_owned(), p.methods().join(", ")));
        if !p.headers.is_empty() {
            preflight_headers.push(("Access-Control-Allow-Headers".to_owned(), p.headers.join(", ")));
        }
    }
    s.push_str("\nexport function middleware(request: NextRequest) {\n");
    if p.any_origin {
        s.push_str("  const cors: Record<string, string> = { 'Access-Control-Allow-Origin': '*' }\n");
    } else {
        s.push_str("  const origin = request.headers.get('origin') ?? ''\n");
        s.push_str("  const cors: Record<string, string> = { Vary: 'Origin' }\n");
        s.push_str("  if (allowedOrigins.includes(origin)) {\n    cors['Access-Control-Allow-Origin'] = origin\n");
        for (n, v) in &headers {
            s.push_str(&format!("    cors[{}] = {}\n", js(n), js(v)));
        }
        s.push_str("  }\n");
    }
    if p.preflight {
        s.push_str("  if (request.method === 'OPTIONS') {\n");
        for (n, v) in &preflight_headers {
            s.push_str(&format!("    cors[{}] = {}\n", js(n), js(v)));
        }
        s.push_str("    return new NextResponse(null, { status: 204, headers: cors })\n  }\n");
    }
    s.push_str("  const response = NextResponse.next()\n");
    s.push_str("  for (const [name, value] of Object.entries(cors)) response.headers.set(name, value)\n");
    s.push_str("  return response\n}\n\n");
    s.push_str(&format!("export const config = {{ matcher: {} }}\n", js(&format!("{}:path*", p.location()))));
    s
}

fn spring(p: &Policy) -> String {
    let mut s = String::from("@Configuration\npublic class CorsConfig implements WebMvcConfigurer {\n    @Override\n");
    s.push_str("    public void addCorsMappings(CorsRegistry registry) {\n        registry.addMapping(\"/**\")\n");
    if p.any_origin {
        s.push_str("                .allowedOrigins(\"*\") // public data, no credentials\n");
    } else {
        s.push_str(&format!("                .allowedOrigins({})\n", dq(&p.origin)));
    }
    if p.preflight {
        s.push_str(&format!("                .allowedMethods({})\n", list(&p.methods(), dq)));
        if !p.headers.is_empty() {
            s.push_str(&format!("                .allowedHeaders({})\n", list(&p.headers, dq)));
        }
    }
    if p.credentials {
        s.push_str("                .allowCredentials(true)\n");
    }
    s.pop();
    s.push_str(";\n    }\n}\n");
    if p.auth_refused() || p.credentials {
        s.push_str("// With Spring Security, let it answer preflights before authentication:\n");
        s.push_str("// http.cors(Customizer.withDefaults());\n");
    }
    s
}
