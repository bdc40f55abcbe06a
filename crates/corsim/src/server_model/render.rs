//! A library's options written the way its users write them: the `cors()`
//! call, the `add_middleware` call, `settings.py`, the builder chain, the
//! configuration text. Each option that differs from the library's default
//! is written; what is written is what the model runs.

use super::{actix_cors, django, express, flask_cors, go_rs_cors, nextjs, spring, starlette, tower_http};
use super::{Library, ServerModel};

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

/// A single-quoted JavaScript string.
fn js(s: &str) -> String {
    escaped(s, '\'')
}

/// A double-quoted string (Python, Go, Rust, Java).
fn dq(s: &str) -> String {
    escaped(s, '"')
}

fn list(items: &[String], quote: fn(&str) -> String) -> String {
    items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", ")
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

impl ServerModel {
    /// The options in the library's own syntax, with where they go as a
    /// comment ([`Library::placement`]).
    ///
    /// ```
    /// use corsim::server_model::{express, ServerModel};
    /// let model = ServerModel::ExpressCors(express::Options {
    ///     origin: Some(express::Origin::List(vec!["https://app.example".into()])),
    ///     credentials: true,
    ///     ..Default::default()
    /// });
    /// assert!(model.render().contains("app.use(cors({\n  origin: ['https://app.example'],\n  credentials: true,\n}));"));
    /// ```
    pub fn render(&self) -> String {
        let placement = self.library().placement();
        match self {
            ServerModel::ExpressCors(o) => format!("// npm install cors\nconst cors = require('cors');\n// {placement}\n{}", express(o)),
            ServerModel::Starlette(o) => format!(
                "from fastapi.middleware.cors import CORSMiddleware  # Starlette: starlette.middleware.cors\n# {placement}\n{}",
                starlette(o)
            ),
            ServerModel::FlaskCors(o) => format!("from flask_cors import CORS  # pip install flask-cors\n# {placement}\n{}", flask(o)),
            ServerModel::DjangoCorsHeaders(o) => format!("# settings.py (pip install django-cors-headers)\n# {placement}\n{}", django(o)),
            ServerModel::TowerHttp(o) => format!("use tower_http::cors::CorsLayer;\n// {placement}\n{}", tower(o)),
            ServerModel::ActixCors(o) => format!("use actix_cors::Cors;\n// {placement}\n{}", actix(o)),
            ServerModel::GoRsCors(o) => format!("import \"github.com/rs/cors\"\n// {placement}\n{}", go(o)),
            ServerModel::Nginx(o) => format!("# {placement}\n{}", o.config),
            ServerModel::Apache(o) => format!("# {placement}\n{}", o.config),
            ServerModel::NextJs(o) => format!("// {placement}\n{}", next(o)),
            ServerModel::Spring(o) => format!("// {placement}\n{}", spring(o)),
        }
    }
}

impl Library {
    /// The language of [`ServerModel::render`]'s text, for highlighting.
    pub fn language(self) -> &'static str {
        match self {
            Library::ExpressCors | Library::NextJs => "js",
            Library::Starlette | Library::FlaskCors | Library::DjangoCorsHeaders => "python",
            Library::TowerHttp | Library::ActixCors => "rust",
            Library::GoRsCors => "go",
            Library::Nginx => "nginx",
            Library::Apache => "apache",
            Library::Spring => "java",
        }
    }

    /// The library's name as people say it, e.g. `"Express (cors)"`.
    pub fn title(self) -> &'static str {
        match self {
            Library::ExpressCors => "Express (cors)",
            Library::Starlette => "FastAPI / Starlette (CORSMiddleware)",
            Library::FlaskCors => "Flask-CORS",
            Library::DjangoCorsHeaders => "Django (django-cors-headers)",
            Library::TowerHttp => "axum (tower-http CorsLayer)",
            Library::ActixCors => "actix-web (actix-cors)",
            Library::GoRsCors => "Go (rs/cors)",
            Library::Nginx => "nginx",
            Library::Apache => "Apache (mod_headers)",
            Library::NextJs => "Next.js (next.config.js headers())",
            Library::Spring => "Spring (WebMvcConfigurer)",
        }
    }
}

fn express(o: &express::Options) -> String {
    use express::{MaxAge, Origin, StringOrList};
    let sol = |v: &StringOrList| match v {
        StringOrList::One(s) => js(s),
        StringOrList::List(l) => format!("[{}]", list(l, js)),
    };
    let mut fields = Vec::new();
    match &o.origin {
        None => {}
        Some(Origin::Bool(b)) => fields.push(format!("origin: {b}")),
        Some(Origin::One(s)) => fields.push(format!("origin: {}", js(s))),
        Some(Origin::List(l)) => fields.push(format!("origin: [{}]", list(l, js))),
    }
    if let Some(m) = &o.methods {
        fields.push(format!("methods: {}", sol(m)));
    }
    if let Some(h) = &o.allowed_headers {
        fields.push(format!("allowedHeaders: {}", sol(h)));
    }
    if let Some(h) = &o.exposed_headers {
        fields.push(format!("exposedHeaders: {}", sol(h)));
    }
    if o.credentials {
        fields.push("credentials: true".into());
    }
    match &o.max_age {
        None => {}
        Some(MaxAge::Seconds(n)) => fields.push(format!("maxAge: {n}")),
        Some(MaxAge::Text(t)) => fields.push(format!("maxAge: {}", js(t))),
    }
    if o.preflight_continue {
        fields.push("preflightContinue: true".into());
    }
    if let Some(s) = o.options_success_status {
        fields.push(format!("optionsSuccessStatus: {s}"));
    }
    if fields.is_empty() {
        return "app.use(cors());\n".into();
    }
    format!("app.use(cors({{\n{}}}));\n", fields.iter().map(|f| format!("  {f},\n")).collect::<String>())
}

fn starlette(o: &starlette::Options) -> String {
    let d = starlette::Options::default();
    let mut args = vec!["CORSMiddleware".to_owned(), format!("allow_origins=[{}]", list(&o.allow_origins, dq))];
    if o.allow_methods != d.allow_methods {
        args.push(format!("allow_methods=[{}]", list(&o.allow_methods, dq)));
    }
    if !o.allow_headers.is_empty() {
        args.push(format!("allow_headers=[{}]", list(&o.allow_headers, dq)));
    }
    if o.allow_credentials {
        args.push("allow_credentials=True".into());
    }
    if let Some(r) = &o.allow_origin_regex {
        args.push(format!("allow_origin_regex=r{}", dq(r)));
    }
    if o.allow_private_network {
        args.push("allow_private_network=True".into());
    }
    if !o.expose_headers.is_empty() {
        args.push(format!("expose_headers=[{}]", list(&o.expose_headers, dq)));
    }
    if o.max_age != d.max_age {
        args.push(format!("max_age={}", o.max_age));
    }
    format!("app.add_middleware(\n{})\n", args.iter().map(|a| format!("    {a},\n")).collect::<String>())
}

fn flask(o: &flask_cors::Options) -> String {
    use flask_cors::{MaxAge, StringOrList};
    let d = flask_cors::Options::default();
    let sol = |v: &StringOrList| match v {
        StringOrList::One(s) => dq(s),
        StringOrList::List(l) => format!("[{}]", list(l, dq)),
    };
    let mut args = vec!["app".to_owned()];
    if o.origins != d.origins {
        args.push(format!("origins={}", sol(&o.origins)));
    }
    if o.methods != d.methods {
        args.push(format!("methods={}", sol(&o.methods)));
    }
    if o.allow_headers != d.allow_headers {
        args.push(format!("allow_headers={}", sol(&o.allow_headers)));
    }
    if let Some(e) = &o.expose_headers {
        args.push(format!("expose_headers={}", sol(e)));
    }
    if o.supports_credentials {
        args.push("supports_credentials=True".into());
    }
    match &o.max_age {
        None => {}
        Some(MaxAge::Seconds(n)) => args.push(format!("max_age={n}")),
        Some(MaxAge::Text(t)) => args.push(format!("max_age={}", dq(t))),
    }
    for (name, value, default) in [
        ("send_wildcard", o.send_wildcard, d.send_wildcard),
        ("vary_header", o.vary_header, d.vary_header),
        ("always_send", o.always_send, d.always_send),
        ("allow_private_network", o.allow_private_network, d.allow_private_network),
    ] {
        if value != default {
            args.push(format!("{name}={}", py_bool(value)));
        }
    }
    format!("CORS(\n{})\n", args.iter().map(|a| format!("    {a},\n")).collect::<String>())
}

/// A settings list: the library's defaults spread first when they lead it.
fn django_list(name: &str, values: &[String], defaults: &[&str], spread: &str) -> String {
    let starts_with_defaults = values.len() >= defaults.len() && values.iter().zip(defaults).all(|(v, d)| v == d);
    if starts_with_defaults {
        let extra = &values[defaults.len()..];
        if extra.is_empty() {
            return String::new();
        }
        return format!("{name} = (*{spread}, {})\n", list(extra, dq));
    }
    format!("{name} = [{}]\n", list(values, dq))
}

fn django(o: &django::Options) -> String {
    let d = django::Options::default();
    let mut s = String::new();
    let methods = django_list("CORS_ALLOW_METHODS", &o.CORS_ALLOW_METHODS, &django::DEFAULT_METHODS, "default_methods");
    let headers = django_list("CORS_ALLOW_HEADERS", &o.CORS_ALLOW_HEADERS, &django::DEFAULT_HEADERS, "default_headers");
    if methods.contains("(*") || headers.contains("(*") {
        s.push_str("from corsheaders.defaults import default_headers, default_methods\n");
    }
    if o.CORS_ALLOW_ALL_ORIGINS {
        s.push_str("CORS_ALLOW_ALL_ORIGINS = True\n");
    }
    if !o.CORS_ALLOWED_ORIGINS.is_empty() {
        s.push_str(&format!("CORS_ALLOWED_ORIGINS = [{}]\n", list(&o.CORS_ALLOWED_ORIGINS, dq)));
    }
    if !o.CORS_ALLOWED_ORIGIN_REGEXES.is_empty() {
        let regexes: Vec<String> = o.CORS_ALLOWED_ORIGIN_REGEXES.iter().map(|r| format!("r{}", dq(r))).collect();
        s.push_str(&format!("CORS_ALLOWED_ORIGIN_REGEXES = [{}]\n", regexes.join(", ")));
    }
    s.push_str(&methods);
    s.push_str(&headers);
    if !o.CORS_EXPOSE_HEADERS.is_empty() {
        s.push_str(&format!("CORS_EXPOSE_HEADERS = [{}]\n", list(&o.CORS_EXPOSE_HEADERS, dq)));
    }
    if o.CORS_ALLOW_CREDENTIALS {
        s.push_str("CORS_ALLOW_CREDENTIALS = True\n");
    }
    if o.CORS_PREFLIGHT_MAX_AGE != d.CORS_PREFLIGHT_MAX_AGE {
        s.push_str(&format!("CORS_PREFLIGHT_MAX_AGE = {}\n", o.CORS_PREFLIGHT_MAX_AGE));
    }
    if o.CORS_ALLOW_PRIVATE_NETWORK {
        s.push_str("CORS_ALLOW_PRIVATE_NETWORK = True\n");
    }
    if o.CORS_URLS_REGEX != d.CORS_URLS_REGEX {
        s.push_str(&format!("CORS_URLS_REGEX = r{}\n", dq(&o.CORS_URLS_REGEX)));
    }
    s
}

/// A Rust `Method` value.
fn rust_method(m: &str) -> String {
    match m {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH" | "CONNECT" | "TRACE" => format!("Method::{m}"),
        other => format!("Method::from_bytes(b{}).unwrap()", dq(other)),
    }
}

fn tower(o: &tower_http::Options) -> String {
    use tower_http::Setting;
    let setting = |v: &Setting, item: &dyn Fn(&str) -> String| match v {
        Setting::Keyword(k) if k == "*" => "Any".to_owned(),
        Setting::Keyword(_) => "AllowOrigin::mirror_request()".to_owned(),
        Setting::List(l) => format!("[{}]", l.iter().map(|x| item(x)).collect::<Vec<_>>().join(", ")),
    };
    let mut calls = Vec::new();
    if let Some(v) = &o.allow_origin {
        calls.push(format!(".allow_origin({})", setting(v, &|x| format!("HeaderValue::from_static({})", dq(x)))));
    }
    if let Some(v) = &o.allow_methods {
        calls.push(format!(".allow_methods({})", setting(v, &rust_method)));
    }
    let name = |x: &str| format!("HeaderName::from_static({})", dq(&x.to_ascii_lowercase()));
    if let Some(v) = &o.allow_headers {
        calls.push(format!(".allow_headers({})", setting(v, &name)));
    }
    if let Some(v) = &o.expose_headers {
        calls.push(format!(".expose_headers({})", setting(v, &name)));
    }
    if o.allow_credentials {
        calls.push(".allow_credentials(true)".into());
    }
    if let Some(n) = o.max_age {
        calls.push(format!(".max_age(Duration::from_secs({n}))"));
    }
    if let Some(v) = &o.vary {
        calls.push(format!(".vary([{}])", v.iter().map(|x| name(x)).collect::<Vec<_>>().join(", ")));
    }
    format!(
        "let cors = CorsLayer::new(){};\nlet app = Router::new() /* .route(...) */ .layer(cors);\n",
        calls.iter().map(|c| format!("\n    {c}")).collect::<String>()
    )
}

fn actix(o: &actix_cors::Options) -> String {
    let mut calls = vec![if o.permissive { "Cors::permissive()" } else { "Cors::default()" }.to_owned()];
    if o.allow_any_origin {
        calls.push(".allow_any_origin()".into());
    }
    for origin in &o.allowed_origin {
        calls.push(format!(".allowed_origin({})", dq(origin)));
    }
    if o.send_wildcard {
        calls.push(".send_wildcard()".into());
    }
    if o.allow_any_method {
        calls.push(".allow_any_method()".into());
    }
    if !o.allowed_methods.is_empty() {
        calls.push(format!(".allowed_methods([{}])", list(&o.allowed_methods, dq)));
    }
    if o.allow_any_header {
        calls.push(".allow_any_header()".into());
    }
    if !o.allowed_headers.is_empty() {
        calls.push(format!(".allowed_headers([{}])", list(&o.allowed_headers, dq)));
    }
    if !o.expose_headers.is_empty() {
        calls.push(format!(".expose_headers([{}])", list(&o.expose_headers, dq)));
    }
    if o.supports_credentials {
        calls.push(".supports_credentials()".into());
    }
    if let Some(n) = o.max_age {
        calls.push(format!(".max_age({n})"));
    }
    if o.block_on_origin_mismatch {
        calls.push(".block_on_origin_mismatch(true)".into());
    }
    format!(
        "HttpServer::new(|| {{\n    let cors = {};\n    App::new().wrap(cors) // .service(...)\n}})\n",
        calls.join("\n        ")
    )
}

fn go(o: &go_rs_cors::Options) -> String {
    let slice = |l: &[String]| format!("[]string{{{}}}", list(l, dq));
    let mut fields = Vec::new();
    if !o.allowed_origins.is_empty() {
        fields.push(format!("AllowedOrigins: {}", slice(&o.allowed_origins)));
    }
    if !o.allowed_methods.is_empty() {
        fields.push(format!("AllowedMethods: {}", slice(&o.allowed_methods)));
    }
    if !o.allowed_headers.is_empty() {
        fields.push(format!("AllowedHeaders: {}", slice(&o.allowed_headers)));
    }
    if !o.exposed_headers.is_empty() {
        fields.push(format!("ExposedHeaders: {}", slice(&o.exposed_headers)));
    }
    if o.max_age != 0 {
        fields.push(format!("MaxAge: {}", o.max_age));
    }
    if o.allow_credentials {
        fields.push("AllowCredentials: true".into());
    }
    if o.options_passthrough {
        fields.push("OptionsPassthrough: true".into());
    }
    format!(
        "c := cors.New(cors.Options{{\n{}}})\nhandler := c.Handler(mux)\n",
        fields.iter().map(|f| format!("\t{f},\n")).collect::<String>()
    )
}

fn next(o: &nextjs::Options) -> String {
    let mut s = String::from("module.exports = {\n  async headers() {\n    return [\n");
    for entry in &o.headers {
        s.push_str(&format!("      {{\n        source: {},\n        headers: [\n", js(&entry.source)));
        for h in &entry.headers {
            s.push_str(&format!("          {{ key: {}, value: {} }},\n", js(&h.key), js(&h.value)));
        }
        s.push_str("        ],\n      },\n");
    }
    s.push_str("    ];\n  },\n};\n");
    s
}

fn spring(o: &spring::Options) -> String {
    let mut calls = vec!["registry.addMapping(\"/**\")".to_owned()];
    if let Some(l) = &o.allowed_origins {
        calls.push(format!(".allowedOrigins({})", list(l, dq)));
    }
    if let Some(l) = &o.allowed_origin_patterns {
        calls.push(format!(".allowedOriginPatterns({})", list(l, dq)));
    }
    if let Some(l) = &o.allowed_methods {
        calls.push(format!(".allowedMethods({})", list(l, dq)));
    }
    if let Some(l) = &o.allowed_headers {
        calls.push(format!(".allowedHeaders({})", list(l, dq)));
    }
    if !o.exposed_headers.is_empty() {
        calls.push(format!(".exposedHeaders({})", list(&o.exposed_headers, dq)));
    }
    if o.allow_credentials {
        calls.push(".allowCredentials(true)".into());
    }
    if let Some(n) = o.max_age {
        calls.push(format!(".maxAge({n})"));
    }
    format!(
        "@Configuration\npublic class CorsConfig implements WebMvcConfigurer {{\n    @Override\n    public void addCorsMappings(CorsRegistry registry) {{\n        {};\n    }}\n}}\n",
        calls.join("\n                ")
    )
}
