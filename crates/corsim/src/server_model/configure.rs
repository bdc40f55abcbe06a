//! The options of each library that allow what one fetch needs: what
//! `corsim explain` prints as its fix, rendered by [`ServerModel::render`]
//! and verified by running the model.

use super::{actix_cors, apache, django, express, flask_cors, go_rs_cors, nextjs, nginx, spring, starlette, tower_http};
use super::{Library, ServerModel};

/// What the CORS layer must allow for one fetch to pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The origin to allow; `None` for `*` (a `null` origin, or public data
    /// fetched without credentials).
    pub origin: Option<String>,
    /// The methods a preflight must allow, as the browser sends them.
    pub methods: Vec<String>,
    /// The request header names a preflight must allow, lower-case.
    pub headers: Vec<String>,
    /// Credentials are included (never with `origin: None`).
    pub credentials: bool,
    /// The URL's path, for the configurations that name one (nginx
    /// `location`, Next.js `source`).
    pub path: String,
}

impl Needs {
    fn origins(&self) -> Vec<String> {
        self.origin.iter().cloned().collect()
    }

    fn any(&self) -> bool {
        self.origin.is_none()
    }
}

impl ServerModel {
    /// The options of `library` that allow exactly what `needs` asks: an
    /// allow-list of the one origin (never reflection), the methods and
    /// request headers a preflight asks for, credentials only when included.
    ///
    /// ```
    /// use corsim::server_model::{Library, Needs, ServerModel};
    /// let needs = Needs { origin: Some("https://app.example".into()), methods: vec!["PUT".into()],
    ///     headers: vec!["x-trace".into()], credentials: true, path: "/items".into() };
    /// let model = ServerModel::configured(Library::FlaskCors, &needs);
    /// assert!(model.validate().is_ok());
    /// assert!(model.render().contains(r#"origins=["https://app.example"]"#));
    /// ```
    pub fn configured(library: Library, needs: &Needs) -> ServerModel {
        match library {
            Library::ExpressCors => ServerModel::ExpressCors(express_options(needs)),
            Library::Starlette => ServerModel::Starlette(starlette::Options {
                allow_origins: if needs.any() { vec!["*".into()] } else { needs.origins() },
                allow_methods: if needs.methods.is_empty() { vec!["GET".into()] } else { needs.methods.clone() },
                allow_headers: needs.headers.clone(),
                allow_credentials: needs.credentials,
                ..Default::default()
            }),
            Library::FlaskCors => ServerModel::FlaskCors(flask_options(needs)),
            Library::DjangoCorsHeaders => ServerModel::DjangoCorsHeaders(django_options(needs)),
            Library::TowerHttp => ServerModel::TowerHttp(tower_http::Options {
                allow_origin: Some(if needs.any() {
                    tower_http::Setting::Keyword("*".into())
                } else {
                    tower_http::Setting::List(needs.origins())
                }),
                allow_methods: (!needs.methods.is_empty()).then(|| tower_http::Setting::List(needs.methods.clone())),
                allow_headers: (!needs.headers.is_empty()).then(|| tower_http::Setting::List(needs.headers.clone())),
                allow_credentials: needs.credentials,
                ..Default::default()
            }),
            Library::ActixCors => ServerModel::ActixCors(actix_cors::Options {
                allow_any_origin: needs.any(),
                send_wildcard: needs.any(),
                allowed_origin: needs.origins(),
                allowed_methods: if needs.methods.is_empty() { vec!["GET".into()] } else { needs.methods.clone() },
                allowed_headers: needs.headers.clone(),
                supports_credentials: needs.credentials,
                ..Default::default()
            }),
            Library::GoRsCors => ServerModel::GoRsCors(go_rs_cors::Options {
                allowed_origins: if needs.any() { vec!["*".into()] } else { needs.origins() },
                allowed_methods: needs.methods.clone(),
                allowed_headers: needs.headers.iter().map(|h| go_rs_cors::canonical_header_key(h)).collect(),
                allow_credentials: needs.credentials,
                ..Default::default()
            }),
            Library::Nginx => ServerModel::Nginx(nginx::Options { config: nginx_config(needs) }),
            Library::Apache => ServerModel::Apache(apache::Options { config: apache_config(needs) }),
            Library::NextJs => ServerModel::NextJs(nextjs_options(needs)),
            Library::Spring => ServerModel::Spring(spring::Options {
                allowed_origins: Some(if needs.any() { vec!["*".into()] } else { needs.origins() }),
                allowed_methods: (!needs.methods.is_empty()).then(|| needs.methods.clone()),
                allowed_headers: (!needs.headers.is_empty()).then(|| needs.headers.clone()),
                allow_credentials: needs.credentials,
                ..Default::default()
            }),
        }
    }
}

fn express_options(needs: &Needs) -> express::Options {
    use express::{Origin, StringOrList};
    express::Options {
        origin: Some(if needs.any() { Origin::One("*".into()) } else { Origin::List(needs.origins()) }),
        methods: (!needs.methods.is_empty()).then(|| StringOrList::List(needs.methods.clone())),
        allowed_headers: (!needs.headers.is_empty()).then(|| StringOrList::List(needs.headers.clone())),
        credentials: needs.credentials,
        ..Default::default()
    }
}

fn flask_options(needs: &Needs) -> flask_cors::Options {
    use flask_cors::StringOrList;
    let mut o = flask_cors::Options {
        origins: if needs.any() { StringOrList::One("*".into()) } else { StringOrList::List(needs.origins()) },
        supports_credentials: needs.credentials,
        ..Default::default()
    };
    if !needs.methods.is_empty() {
        o.methods = StringOrList::List(needs.methods.clone());
    }
    if !needs.headers.is_empty() {
        o.allow_headers = StringOrList::List(needs.headers.clone());
    }
    o
}

fn django_options(needs: &Needs) -> django::Options {
    let mut o = django::Options {
        CORS_ALLOW_ALL_ORIGINS: needs.any(),
        CORS_ALLOWED_ORIGINS: needs.origins(),
        CORS_ALLOW_CREDENTIALS: needs.credentials,
        ..Default::default()
    };
    // The defaults, and what the fetch needs beyond them.
    for m in &needs.methods {
        super::push_new(&mut o.CORS_ALLOW_METHODS, m);
    }
    for h in &needs.headers {
        super::push_new(&mut o.CORS_ALLOW_HEADERS, h);
    }
    o
}

fn nextjs_options(needs: &Needs) -> nextjs::Options {
    let header = |key: &str, value: String| nextjs::Header { key: key.to_owned(), value };
    let mut headers = vec![header("Access-Control-Allow-Origin", needs.origin.clone().unwrap_or_else(|| "*".into()))];
    if needs.credentials {
        headers.push(header("Access-Control-Allow-Credentials", "true".into()));
    }
    if !needs.methods.is_empty() {
        headers.push(header("Access-Control-Allow-Methods", needs.methods.join(", ")));
    }
    if !needs.headers.is_empty() {
        headers.push(header("Access-Control-Allow-Headers", needs.headers.join(", ")));
    }
    nextjs::Options { headers: vec![nextjs::Entry { source: needs.path.clone(), headers }] }
}

/// A double-quoted string as nginx and Apache read one.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn nginx_config(needs: &Needs) -> String {
    let mut s = String::new();
    let origin_value = match &needs.origin {
        None => "\"*\"".to_owned(),
        Some(origin) => {
            s.push_str("# In the http block: the allow-list (an empty value sends no header).\n");
            s.push_str(&format!("map $http_origin $cors_allow_origin {{\n    default \"\";\n    {} $http_origin;\n}}\n", quoted(origin)));
            "$cors_allow_origin".to_owned()
        }
    };
    let common = |s: &mut String, indent: &str| {
        s.push_str(&format!("{indent}add_header Access-Control-Allow-Origin {origin_value} always;\n"));
        if needs.credentials {
            s.push_str(&format!("{indent}add_header Access-Control-Allow-Credentials \"true\" always;\n"));
        }
        if !needs.any() {
            s.push_str(&format!("{indent}add_header Vary Origin always;\n"));
        }
    };
    s.push_str(&format!("server {{\n    location {} {{\n", needs.path));
    if !needs.methods.is_empty() {
        s.push_str("        if ($request_method = OPTIONS) {\n");
        common(&mut s, "            ");
        s.push_str(&format!("            add_header Access-Control-Allow-Methods {} always;\n", quoted(&needs.methods.join(", "))));
        if !needs.headers.is_empty() {
            s.push_str(&format!("            add_header Access-Control-Allow-Headers {} always;\n", quoted(&needs.headers.join(", "))));
        }
        s.push_str("            return 204;\n        }\n");
    }
    common(&mut s, "        ");
    s.push_str("        proxy_pass http://backend;\n    }\n}\n");
    s
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

fn apache_config(needs: &Needs) -> String {
    let mut s = String::new();
    let env = match &needs.origin {
        None => {
            s.push_str("Header always set Access-Control-Allow-Origin \"*\"\n");
            String::new()
        }
        Some(origin) => {
            s.push_str(&format!("SetEnvIf Origin \"^({})$\" CORS_ALLOW_ORIGIN=$1\n", regex_escape(origin)));
            s.push_str("Header always set Access-Control-Allow-Origin \"%{CORS_ALLOW_ORIGIN}e\" env=CORS_ALLOW_ORIGIN\n");
            s.push_str("Header always merge Vary Origin\n");
            " env=CORS_ALLOW_ORIGIN".to_owned()
        }
    };
    if needs.credentials {
        s.push_str(&format!("Header always set Access-Control-Allow-Credentials \"true\"{env}\n"));
    }
    if !needs.methods.is_empty() {
        s.push_str(&format!("Header always set Access-Control-Allow-Methods {}{env}\n", quoted(&needs.methods.join(", "))));
        if !needs.headers.is_empty() {
            s.push_str(&format!("Header always set Access-Control-Allow-Headers {}{env}\n", quoted(&needs.headers.join(", "))));
        }
        s.push_str("RewriteEngine On\nRewriteCond %{REQUEST_METHOD} =OPTIONS\n");
        s.push_str("RewriteCond %{HTTP:Access-Control-Request-Method} !^$\nRewriteRule ^ - [R=204,L]\n");
    }
    s
}

/// What answers a request before the CORS layer, which no option of the
/// library changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Before {
    /// Authentication: a request without credentials (every preflight)
    /// gets 401.
    Authentication,
    /// A path without a trailing `/` is redirected (308) to the one with it
    /// (Flask's and Werkzeug's `strict_slashes`, Django's `APPEND_SLASH`).
    TrailingSlashRedirect,
}

impl Before {
    /// Its answer, when it answers `request` itself (`credentialed`: the
    /// fetch includes credentials).
    pub fn answer(self, request: &crate::HttpRequest, credentialed: bool) -> Option<crate::HttpResponse> {
        match self {
            Before::Authentication => {
                let authenticated = !request.is_preflight && (credentialed || request.headers.contains("authorization"));
                (!authenticated).then(|| crate::HttpResponse::new(401))
            }
            Before::TrailingSlashRedirect => {
                let path = request.url.path();
                (!path.ends_with('/')).then(|| crate::HttpResponse::new(308).header("Location", &format!("{path}/")))
            }
        }
    }

    /// The change that fixes what it does, in `library`'s terms.
    pub fn fix(self, library: Library) -> &'static str {
        match (self, library) {
            (Before::Authentication, Library::ExpressCors) => "app.use(cors(corsOptions)) before the authentication middleware: preflights never carry credentials",
            (Before::Authentication, Library::Starlette) => "add CORSMiddleware after the authentication middleware (the last added is the outermost), so it answers preflights first",
            (Before::Authentication, Library::FlaskCors) => "flask-cors adds its headers after the view, so a before_request hook that refuses the preflight answers first: let OPTIONS through it (if request.method == \"OPTIONS\": return None)",
            (Before::Authentication, Library::DjangoCorsHeaders) => "put corsheaders.middleware.CorsMiddleware above the authentication middleware: it answers preflights itself",
            (Before::Authentication, Library::TowerHttp) => "add .layer(cors) after the authentication layer (the last added is the outermost), so it answers preflights first",
            (Before::Authentication, Library::ActixCors) => "call .wrap(cors) after wrapping the authentication middleware (the last wrap runs first)",
            (Before::Authentication, Library::GoRsCors) => "wrap the authenticated handler: c.Handler(authenticate(mux)), so rs/cors answers preflights first",
            (Before::Authentication, Library::Nginx) => "answer preflights in the if ($request_method = OPTIONS) block before auth_request or any authentication runs",
            (Before::Authentication, Library::Apache) => "exempt OPTIONS from authentication (<LimitExcept OPTIONS> Require valid-user </LimitExcept>): the RewriteRule then answers preflights",
            (Before::Authentication, Library::NextJs) => "let OPTIONS through the middleware that authenticates (if (request.method === 'OPTIONS') return NextResponse.next())",
            (Before::Authentication, Library::Spring) => "with Spring Security, http.cors(Customizer.withDefaults()) so its CorsFilter answers preflights before authentication",
            (Before::TrailingSlashRedirect, Library::FlaskCors) => "the route is declared with a trailing / and Werkzeug redirects the path without it (308) before flask-cors: request the URL with its / from the page, or declare the route with strict_slashes=False",
            (Before::TrailingSlashRedirect, Library::DjangoCorsHeaders) => "CommonMiddleware (APPEND_SLASH) redirects the path to the one ending in /: request that URL from the page",
            (Before::TrailingSlashRedirect, _) => "request the URL the server redirects to (with its trailing /) from the page; a preflight is never redirected",
        }
    }
}

impl Library {
    /// Where the configuration goes so that it answers preflights before
    /// anything else: the line printed with it.
    pub fn placement(self) -> &'static str {
        match self {
            Library::ExpressCors => "app.use(cors(corsOptions)) before the routes and any authentication: it answers preflights itself (204)",
            Library::Starlette => "added last, CORSMiddleware is the outermost middleware and answers preflights before anything else",
            Library::FlaskCors => "flask-cors adds its headers after the view: a before_request hook that refuses a request must let OPTIONS through",
            Library::DjangoCorsHeaders => "INSTALLED_APPS gets \"corsheaders\"; MIDDLEWARE gets \"corsheaders.middleware.CorsMiddleware\" as high as possible, above CommonMiddleware",
            Library::TowerHttp => "the CorsLayer added last is the outermost and answers preflights itself",
            Library::ActixCors => "App::new().wrap(cors), wrapped last so it runs first",
            Library::GoRsCors => "c.Handler(mux) wraps the whole handler, outside any authentication",
            Library::Nginx => "the map in the http block, the location in the server block (proxy_pass to your upstream)",
            Library::Apache => "mod_headers and mod_rewrite, in the <VirtualHost> or <Location> that serves the URL",
            Library::NextJs => "next.config.js: Next.js answers OPTIONS itself (204) with these headers",
            Library::Spring => "a WebMvcConfigurer's addCorsMappings(CorsRegistry registry)",
        }
    }
}
