//! A throw-away PostgreSQL server for tests and benchmarks: Debian's binaries under
//! `/usr/lib/postgresql/<version>/bin` (or `$PGCTL_PG_BIN`), `initdb` into a temporary
//! directory (owned by the `postgres` user when running as root, since the server refuses to
//! run as root), SCRAM authentication over TCP on a free port of 127.0.0.1,
//! `log_statement = all`, stopped and removed on drop. `tests/postgres/ensure` installs the
//! binaries.

use std::fs;
use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use pgctl_shared::password::Password;

use super::connect::Endpoint;

/// Why the server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum TestServerError {
    #[error(
        "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (set PGCTL_PG_BIN or run tests/postgres/ensure)"
    )]
    NotInstalled,
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("{command} failed: {output}")]
    Command { command: String, output: String },
}

/// Options of [`TestServer::start_with`].
#[derive(Debug, Clone, Default)]
pub struct TestServerOptions {
    /// Serve TLS with a fresh self-signed certificate (made with `openssl`).
    pub ssl: bool,
    /// `fsync` (off by default: tests need no durability).
    pub fsync: bool,
    /// Extra `postgresql.conf` lines.
    pub extra_conf: Vec<String>,
}

/// A running server; stopped and deleted on drop.
pub struct TestServer {
    dir: PathBuf,
    data: PathBuf,
    log: PathBuf,
    bin: PathBuf,
    run_as: Option<String>,
    pub port: u16,
    pub superuser: String,
    password: Password,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("dir", &self.dir)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// The directory with `initdb` and `postgres` of the newest installed version.
pub fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PGCTL_PG_BIN") {
        let dir = PathBuf::from(dir);
        return dir.join("initdb").exists().then_some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> TestServerError {
    let what = what.into();
    move |e| TestServerError::Io(what, e)
}

fn is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn free_port() -> Result<u16, TestServerError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("binding a free port"))?;
    let port = listener
        .local_addr()
        .map_err(io("reading the free port"))?
        .port();
    Ok(port)
}

fn check(command: &str, output: std::io::Result<Output>) -> Result<Output, TestServerError> {
    let output = output.map_err(io(command.to_string()))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(TestServerError::Command {
            command: command.to_string(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }
}

impl TestServer {
    /// Starts a server with default options.
    pub fn start() -> Result<Self, TestServerError> {
        Self::start_with(TestServerOptions::default())
    }

    /// Starts a server.
    pub fn start_with(opts: TestServerOptions) -> Result<Self, TestServerError> {
        let bin = find_bin_dir().ok_or(TestServerError::NotInstalled)?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "pgctl-pg-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
        let run_as = is_root().then(|| "postgres".to_string());
        let password = Password::new(format!("su-{nanos}-{}", std::process::id()));
        let mut server = TestServer {
            data: dir.join("data"),
            log: dir.join("server.log"),
            dir,
            bin,
            run_as,
            port: 0,
            superuser: "postgres".into(),
            password,
        };
        server.init(&opts)?;
        let mut last = None;
        for _ in 0..3 {
            server.port = free_port()?;
            match server.start_server() {
                Ok(()) => return Ok(server),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(TestServerError::NotInstalled))
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn give_to_server_user(&self, path: &Path) -> Result<(), TestServerError> {
        if let Some(user) = &self.run_as {
            check(
                "chown",
                Command::new("chown")
                    .arg("-R")
                    .arg(format!("{user}:"))
                    .arg(path)
                    .output(),
            )?;
        }
        Ok(())
    }

    fn init(&self, opts: &TestServerOptions) -> Result<(), TestServerError> {
        let pwfile = self.dir.join("pwfile");
        fs::write(&pwfile, self.password.expose()).map_err(io("writing the password file"))?;
        fs::set_permissions(&pwfile, fs::Permissions::from_mode(0o600))
            .map_err(io("chmod of the password file"))?;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
            .map_err(io("chmod of the server directory"))?;
        self.give_to_server_user(&self.dir)?;
        check(
            "initdb",
            self.command("initdb")
                .arg("-D")
                .arg(&self.data)
                .arg("-U")
                .arg(&self.superuser)
                .arg("--pwfile")
                .arg(&pwfile)
                .args(["--auth-local=scram-sha-256", "--auth-host=scram-sha-256"])
                .args(["-E", "UTF8", "--no-locale", "--no-sync"])
                .output(),
        )?;
        let _ = fs::remove_file(&pwfile);
        let mut conf = vec![
            "listen_addresses = '127.0.0.1'".to_string(),
            format!("unix_socket_directories = '{}'", self.dir.display()),
            "log_statement = 'all'".into(),
            "log_connections = on".into(),
            "password_encryption = 'scram-sha-256'".into(),
            "max_connections = 200".into(),
            "shared_buffers = '32MB'".into(),
            format!("fsync = {}", if opts.fsync { "on" } else { "off" }),
        ];
        if opts.ssl {
            let (cert, key) = self.certificate()?;
            conf.push("ssl = on".into());
            conf.push(format!("ssl_cert_file = '{}'", cert.display()));
            conf.push(format!("ssl_key_file = '{}'", key.display()));
        }
        conf.extend(opts.extra_conf.iter().cloned());
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(self.data.join("postgresql.conf"))
            .map_err(io("opening postgresql.conf"))?;
        writeln!(f, "\n# pgctl test server\n{}", conf.join("\n"))
            .map_err(io("writing postgresql.conf"))?;
        Ok(())
    }

    /// A self-signed certificate made with `openssl` in the server directory.
    fn certificate(&self) -> Result<(PathBuf, PathBuf), TestServerError> {
        let cert = self.dir.join("server.crt");
        let key = self.dir.join("server.key");
        check(
            "openssl req",
            Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                ])
                .args(["-subj", "/CN=127.0.0.1"])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .output(),
        )?;
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600))
            .map_err(io("chmod of the key"))?;
        self.give_to_server_user(&cert)?;
        self.give_to_server_user(&key)?;
        Ok((cert, key))
    }

    fn start_server(&self) -> Result<(), TestServerError> {
        check(
            "pg_ctl start",
            self.command("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .arg("-l")
                .arg(&self.log)
                .args(["-w", "-t", "60"])
                .arg("-o")
                .arg(format!("-p {}", self.port))
                .arg("start")
                .output(),
        )
        .map(|_| ())
    }

    /// The superuser's endpoint.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint::new(
            "127.0.0.1",
            self.port,
            self.superuser.clone(),
            self.password.clone(),
        )
    }

    /// An endpoint for another user.
    pub fn endpoint_for(&self, user: &str, password: &Password) -> Endpoint {
        Endpoint::new("127.0.0.1", self.port, user, password.clone())
    }

    /// The superuser's password (generated per server).
    pub fn superuser_password(&self) -> &Password {
        &self.password
    }

    /// Logs in as `user` with `password` over TCP (no TLS) to `database` and returns
    /// `current_user`.
    pub async fn login(
        &self,
        user: &str,
        password: &Password,
        database: &str,
    ) -> Result<String, super::SqlError> {
        let opts = super::ConnectOptions {
            tls: super::TlsMode::Disable,
            ..Default::default()
        };
        let client = super::connect(&self.endpoint_for(user, password), database, &opts).await?;
        let row = client
            .query_one("SELECT current_user::text", &[])
            .await
            .map_err(|e| {
                let (message, code) = super::error::describe(&e);
                super::SqlError::Observe {
                    what: "current_user",
                    database: database.to_string(),
                    message,
                    code,
                }
            })?;
        Ok(row.get(0))
    }

    /// The whole server log.
    pub fn log(&self) -> String {
        fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The server log from byte `offset` on (take the offset with [`Self::log_len`]).
    pub fn log_since(&self, offset: usize) -> String {
        let log = fs::read(&self.log).unwrap_or_default();
        String::from_utf8_lossy(log.get(offset..).unwrap_or_default()).into_owned()
    }

    /// Current length of the server log in bytes.
    pub fn log_len(&self) -> usize {
        fs::metadata(&self.log)
            .map(|m| m.len() as usize)
            .unwrap_or(0)
    }
}

/// The statements of a log excerpt that change something (DDL, GRANT, COMMENT, …), as logged
/// by `log_statement = all`.
pub fn ddl_statements(log: &str) -> Vec<String> {
    const VERBS: [&str; 8] = [
        "CREATE ",
        "ALTER ",
        "GRANT ",
        "REVOKE ",
        "COMMENT ",
        "DROP ",
        "REASSIGN ",
        "SECURITY ",
    ];
    log.lines()
        .filter_map(|line| {
            let (_, rest) = line
                .split_once("statement: ")
                .or_else(|| line.split_once("execute <unnamed>: "))?;
            let upper = rest.trim_start().to_ascii_uppercase();
            VERBS
                .iter()
                .any(|v| upper.starts_with(v))
                .then(|| rest.to_string())
        })
        .collect()
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if self.data.exists() {
            let _ = self
                .command("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
        if std::env::var_os("PGCTL_KEEP_TEST_SERVER").is_none() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A log buffer: everything the code under test logs through `tracing` while the guard lives
/// (the "controller log" that tests search for passwords).
pub type CapturedLogs = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

/// Captures the `tracing` output of the current thread until the returned guard is dropped.
pub fn capture_logs() -> (tracing::subscriber::DefaultGuard, CapturedLogs) {
    let buf = CapturedLogs::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || CaptureWriter(writer.clone()))
        .finish();
    (tracing::subscriber::set_default(subscriber), buf)
}

struct CaptureWriter(CapturedLogs);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(data);
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
