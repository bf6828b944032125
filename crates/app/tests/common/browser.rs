//! A browser for router tests: keeps cookies, follows nothing by itself, posts forms.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tiendo_service::accounts as auth;
use tiendo_store::Db;
use tiendo_web::{AppState, router};
use tower::ServiceExt;

/// A browser: keeps cookies, follows nothing by itself.
pub struct Browser {
    pub state: AppState,
    pub cookies: HashMap<String, String>,
    /// The address a proxy in front would name (`X-Forwarded-For`), if any.
    pub from: Option<String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Browser {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            cookies: HashMap::new(),
            from: None,
        }
    }

    /// The same browser, seen by the server as coming from `address`.
    pub fn from(mut self, address: &str) -> Self {
        self.from = Some(address.to_string());
        self
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Page {
        if let Some(from) = self.from.as_deref().and_then(|f| f.parse().ok()) {
            req.headers_mut().insert("x-forwarded-for", from);
        }
        let resp = router(self.state.clone())
            .oneshot(req)
            .await
            .expect("response");
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or("");
            if let Some((kv, _)) = v.split_once(';').or(Some((v, "")))
                && let Some((k, val)) = kv.split_once('=')
            {
                if val.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let headers = resp.headers().clone();
        let body =
            String::from_utf8_lossy(&resp.into_body().collect().await.expect("body").to_bytes())
                .into_owned();
        Page {
            status,
            location,
            headers,
            body,
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    pub async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> Page {
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .expect("request");
        self.send(req).await
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Page {
        let form = self.get("/dang-nhap").await;
        let csrf = hidden(&form.body, "csrf");
        self.post(
            "/dang-nhap",
            &[
                ("username", user),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ],
        )
        .await
    }
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("")
        .to_string()
}

pub async fn user(db: &Db, name: &str, role: &str, agency: Option<&str>, password: &str) {
    let hash = auth::hash_password(password.to_string())
        .await
        .expect("hash");
    let role = tiendo_domain::access::UserRole::parse(role).expect("role");
    db.create_user(name, name, &hash, role, agency, None, false, "test")
        .await
        .expect("user");
}

pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----tiendo-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
