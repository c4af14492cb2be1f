//! `spawn_app()` and helpers on [`TestApp`].

use app::backend::audit::Actor;
use app::backend::{db, questionnaires, rounds, users};
use app::domain::questionnaire::Definition;
use app::domain::{Email, InstitutionCode, NewPassword, Role};
use reqwest::multipart;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};
use server::config::Config;
use server::startup::Application;

/// Runs an async test function once on SQLite and once on PostgreSQL. `both!(name)`: the function
/// takes a fresh [`TestApp`]; `both!(name, backend)`: it takes the [`Backend`] and starts its own
/// servers (with a changed configuration).
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        $crate::both!(@each $name, app);
    };
    ($name:ident, backend) => {
        $crate::both!(@each $name, backend);
    };
    (@each $name:ident, $takes:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::both!(@call $name, $takes, $crate::helpers::Backend::Sqlite)
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::both!(@call $name, $takes, $crate::helpers::Backend::Postgres)
            }
        }
    };
    (@call $name:ident, app, $backend:expr) => {
        super::$name($crate::helpers::spawn_app($backend).await).await
    };
    (@call $name:ident, backend, $backend:expr) => {
        super::$name($backend).await
    };
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub database_url: String,
    /// The mails the outbox worker delivered (the memory transport), in order.
    pub mail: Option<std::sync::Arc<std::sync::Mutex<Vec<lettre::Message>>>>,
}

pub const PASSWORD: &str = "een-lang-test-wachtwoord";

/// The PostgreSQL server for tests (`MIV_TEST_POSTGRES`, default the local trust-auth server).
fn postgres_admin_url() -> String {
    std::env::var("MIV_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub async fn fresh_database(backend: Backend) -> String {
    let name = format!("miv_test_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{name}.sqlite"));
            format!("sqlite://{}", path.display())
        }
        Backend::Postgres => {
            let admin = sea_orm::Database::connect(format!("{}/postgres", postgres_admin_url()))
                .await
                .expect("PostgreSQL must run for the tests (the test command starts it)");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            format!("{}/{name}", postgres_admin_url())
        }
    }
}

/// Starts the app on a random port with a fresh, migrated database; mail stays in memory.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the app with a changed configuration.
pub async fn spawn_app_with(backend: Backend, change: impl FnOnce(&mut Config)) -> TestApp {
    let database_url = fresh_database(backend).await;
    let mut config = Config {
        database_url: database_url.clone(),
        site_addr: "127.0.0.1:0".into(),
        mail_backend: "memory".into(),
        ..Config::default()
    };
    change(&mut config);
    let application = Application::build(&config).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", application.port());
    let mail = application.sent_mail();
    tokio::spawn(application.run_until_stopped());
    let db = db::connect(&database_url).await.expect("connect");
    TestApp {
        address,
        db,
        database_url,
        mail,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects, sends same-origin headers.
pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("sec-fetch-site", "same-origin".parse().expect("header"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

impl TestApp {
    /// The mails delivered to `to` once there are `count` (the outbox worker delivers within a
    /// second; after 10 s, whatever there is), each as its raw text with quoted-printable soft
    /// line breaks joined.
    pub async fn mails_to(&self, to: &str, count: usize) -> Vec<String> {
        let read = || {
            self.mail
                .as_ref()
                .map(|m| {
                    m.lock()
                        .map(|sent| {
                            sent.iter()
                                .filter(|m| m.envelope().to().iter().any(|a| a.to_string() == to))
                                .map(|m| {
                                    String::from_utf8_lossy(&m.formatted())
                                        .replace("=\r\n", "")
                                        .replace("=3D", "=")
                                })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let found = read();
            if found.len() >= count || std::time::Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The response of institution `code` in a round.
    pub async fn response_of(&self, round: i32, code: &str) -> i32 {
        app::backend::rounds::participants(&self.db, round)
            .await
            .expect("participants")
            .into_iter()
            .find(|p| p.institution.code == code)
            .expect("takes part")
            .response
            .id
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Imports the register file the demo uses (10 institutions, including 25PX and 27GH).
    pub async fn load_demo_register(&self) {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/demo/institutions.csv"
        ))
        .expect("demo file");
        let actor = app::backend::audit::Actor::cli();
        let run = app::backend::register_import::import(&self.db, &actor, "demo.csv", &bytes)
            .await
            .expect("import");
        assert!(run.applied, "{:?}", run.problems);
    }

    /// Creates an account with [`PASSWORD`].
    pub async fn create_user(&self, email: &str, role: Role, codes: &[&str]) -> i32 {
        let id = self.create_contact(email, role, codes).await;
        let password = NewPassword::parse(PASSWORD, PASSWORD).expect("password");
        users::set_password(&self.db, id, &password)
            .await
            .expect("set password");
        id
    }

    /// Creates an account without a password, as a contacts import does.
    pub async fn create_contact(&self, email: &str, role: Role, codes: &[&str]) -> i32 {
        let new = users::NewUser {
            email: Email::parse(email).expect("email"),
            name: format!("Test {email}"),
            role,
            institutions: codes
                .iter()
                .map(|c| InstitutionCode::parse(c).expect("code"))
                .collect(),
        };
        users::create_user(&self.db, &new)
            .await
            .expect("create user")
            .id
    }

    /// The mails queued for `to` (delivered or not): the outbox keeps a row for every mail.
    pub async fn queued_to(&self, to: &str) -> usize {
        use sea_orm::{ColumnTrait, QueryFilter};
        app::backend::entities::outbox::Entity::find()
            .filter(app::backend::entities::outbox::Column::Recipient.eq(to))
            .all(&self.db)
            .await
            .expect("outbox")
            .len()
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("login request")
    }

    /// A new client logged in as a new user of `role`.
    pub async fn logged_in(&self, email: &str, role: Role, codes: &[&str]) -> reqwest::Client {
        self.create_user(email, role, codes).await;
        let client = client();
        let response = self.login(&client, email, PASSWORD).await;
        assert_eq!(response.status(), 200, "login of {email}");
        client
    }

    /// The body of a page (or download) as `client` gets it.
    pub async fn text(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body")
    }

    pub async fn call(
        &self,
        client: &reqwest::Client,
        function: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{function}")))
            .form(form)
            .send()
            .await
            .expect("server function call")
    }

    /// Posts `fields` to the form of upload `token` (a mapping, or a confirmation) and waits
    /// for the background import: the upload's view with its outcome.
    pub async fn import_outcome(
        &self,
        client: &reqwest::Client,
        token: &str,
        fields: &[(String, String)],
    ) -> serde_json::Value {
        let r = client
            .post(self.url(&format!("/import/bron/upload/{token}")))
            .form(fields)
            .send()
            .await
            .expect("form");
        assert_eq!(r.status(), 303);
        for _ in 0..100 {
            let view: serde_json::Value = self
                .call(client, "upload_status", &[("token", token)])
                .await
                .json()
                .await
                .unwrap_or_default();
            if !view["outcome"].is_null() {
                return view;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the import did not finish");
    }

    pub async fn upload(
        &self,
        client: &reqwest::Client,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        self.upload_to(client, "/import/instellingen", file_name, bytes)
            .await
    }

    /// Posts a file as the `file` field of a multipart form, as the upload forms do.
    pub async fn upload_to(
        &self,
        client: &reqwest::Client,
        path: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let part = multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        client
            .post(self.url(path))
            .multipart(multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("upload")
    }

    pub async fn institution_count(&self) -> u64 {
        app::backend::entities::institution::Entity::find()
            .count(&self.db)
            .await
            .expect("count")
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        app::backend::entities::audit_log::Entity::find()
            .all(&self.db)
            .await
            .expect("audit")
            .into_iter()
            .map(|a| a.action)
            .collect()
    }
}

/// The status of `request` sent as a browser sends it from another site.
/// The default questionnaire (the demo's).
pub fn default_definition() -> Definition {
    serde_json::from_str(server::seed::DEFAULT_QUESTIONNAIRE).expect("default questionnaire")
}

/// Publishes `definition` (a new version after `based_on`); its version id.
pub async fn publish(app: &TestApp, definition: &Definition, based_on: Option<i32>) -> i32 {
    let draft = questionnaires::create_draft(&app.db, &Actor::cli(), definition, based_on)
        .await
        .expect("draft");
    questionnaires::publish(
        &app.db,
        &Actor::cli(),
        draft.id,
        "versie",
        questionnaires::Publisher::Admin,
    )
    .await
    .expect("publish");
    draft.id
}

/// Opens round `Monitor <year>` of `version` for `codes`: open since an hour, for 30 days more.
pub async fn open_round(app: &TestApp, version: i32, year: i32, codes: &[&str]) -> i32 {
    let now = chrono::Utc::now();
    rounds::create(
        &app.db,
        &Actor::cli(),
        &rounds::NewRound {
            name: format!("Monitor {year}"),
            year,
            version_id: version,
            opens_at: now - chrono::Duration::hours(1),
            closes_at: now + chrono::Duration::days(30),
            institutions: codes.iter().map(|c| (*c).to_owned()).collect(),
        },
    )
    .await
    .expect("round")
}

pub async fn cross_site_status(request: reqwest::RequestBuilder) -> u16 {
    request
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("cross-site request")
        .status()
        .as_u16()
}
