//! `corsim playground`: serve the web playground (`web/`) on loopback.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use corsim_cli::exit::Status;

/// Arguments of `corsim playground`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The loopback port to serve on.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The playground's folder (default: `web/` of this repository, or `./web`).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub(crate) const AFTER_HELP: &str = concat!("\
The page runs the WebAssembly engine itself; build it once with `bash web/build.sh`
(it puts the engine in web/pkg/). Only files inside the folder are served: no `..`,
and no symbolic link that leads outside it. Ctrl-C stops.

Exit status: 0 when stopped, ", corsim_cli::exit_2_and_3!(), "

Example:
  bash web/build.sh && corsim playground --port 8080");

fn default_dir() -> PathBuf {
    let here = PathBuf::from("web");
    if here.join("index.html").is_file() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web")
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let dir = args.dir.clone().unwrap_or_else(default_dir);
    if !dir.join("index.html").is_file() {
        eprintln!("corsim playground: no index.html in {}; give the playground's folder with --dir", dir.display());
        return Status::BadInput.into();
    }
    if !dir.join("pkg/corsim_explain_bg.wasm").is_file() {
        eprintln!("corsim playground: the engine is not built in {}/pkg; run `bash web/build.sh` first", dir.display());
        return Status::BadInput.into();
    }
    let listener = match TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port))) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("corsim playground: cannot listen on port {} (127.0.0.1:{}: {e}); choose another with --port", args.port, args.port);
            return Status::CouldNotTest.into();
        }
    };
    let Ok(dir) = dir.canonicalize() else {
        eprintln!("corsim playground: cannot resolve the folder {}", dir.display());
        return Status::BadInput.into();
    };
    println!("The playground is at http://127.0.0.1:{}/ (Ctrl-C stops).", args.port);
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            let _ = serve(stream, &dir);
        });
    }
    ExitCode::SUCCESS
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "webmanifest" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The file a request path names, inside `dir` (no `..`), `index.html` for
/// `/`; `None` when it is not a file inside `dir` once symbolic links are
/// followed (`dir` itself is canonical).
pub(crate) fn resolve_file(dir: &Path, path: &str) -> Option<PathBuf> {
    let file = resolve(dir, path)?.canonicalize().ok()?;
    (file.starts_with(dir) && file.is_file()).then_some(file)
}

/// The path a request path names under `dir`, without `..` (not checked on disk).
pub(crate) fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut out = dir.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    Some(out)
}

fn serve(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        // Skip the headers.
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        let file = resolve_file(dir, path);
        let (status, kind, body) = match (method, file) {
            ("GET" | "HEAD", Some(f)) => (200, content_type(&f), std::fs::read(&f).unwrap_or_default()),
            ("GET" | "HEAD", None) => (404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
            _ => (405, "text/plain; charset=utf-8", b"method not allowed\n".to_vec()),
        };
        let reason = match status {
            200 => "OK",
            404 => "Not Found",
            _ => "Method Not Allowed",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n\r\n",
            body.len()
        );
        writer.write_all(head.as_bytes())?;
        if method != "HEAD" {
            writer.write_all(&body)?;
        }
        writer.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        let dir = Path::new("/srv/web");
        assert_eq!(resolve(dir, "/app.js?x=1"), Some(PathBuf::from("/srv/web/app.js")));
        assert_eq!(resolve(dir, "/../etc/passwd"), None);
        assert_eq!(resolve(dir, "/pkg/../../x"), None);
    }

    #[test]
    fn symbolic_links_leading_outside_are_refused() {
        let root = std::env::temp_dir().join(format!("corsim-playground-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let served = root.join("web");
        std::fs::create_dir_all(served.join("pkg")).unwrap();
        std::fs::write(served.join("index.html"), "page").unwrap();
        std::fs::write(served.join("pkg/app.js"), "js").unwrap();
        std::fs::write(root.join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(root.join("secret.txt"), served.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(&root, served.join("up")).unwrap();
        std::os::unix::fs::symlink(served.join("pkg/app.js"), served.join("inside.js")).unwrap();
        let dir = served.canonicalize().unwrap();
        assert!(resolve_file(&dir, "/").is_some());
        assert!(resolve_file(&dir, "/pkg/app.js").is_some());
        assert!(resolve_file(&dir, "/inside.js").is_some(), "a link that stays inside is fine");
        assert_eq!(resolve_file(&dir, "/leak.txt"), None);
        assert_eq!(resolve_file(&dir, "/up/secret.txt"), None);
        assert_eq!(resolve_file(&dir, "/missing.js"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
