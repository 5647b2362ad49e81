//! The interface in Urdu and English: which language a request gets, and its messages.
//!
//! The language comes from `?lang=` on any page (kept in a cookie), then the cookie, then
//! Accept-Language, then `--language`. Messages live in Fluent files, one per language
//! (`locales/ur.ftl`, `locales/en.ftl`); numbers and dates are formatted by ICU4X for the
//! language. The JSON API's errors stay English: they are for developers.

use std::sync::LazyLock;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use crate::error::AppError;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    /// Urdu, right to left.
    Ur,
    /// English.
    En,
}

/// The cookie that keeps a supporter's choice.
pub const COOKIE: &str = "lang";

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::Ur, Lang::En];

    /// The BCP 47 tag, for `lang=""`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ur => "ur",
            Lang::En => "en",
        }
    }

    /// The writing direction, for `dir=""`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ur => "rtl",
            Lang::En => "ltr",
        }
    }

    /// The Open Graph locale.
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::Ur => "ur_PK",
            Lang::En => "en_US",
        }
    }

    /// The other language, the one the switch link offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ur => Lang::En,
            Lang::En => Lang::Ur,
        }
    }

    /// `ur` or `en`, in any case.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ur" => Some(Lang::Ur),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first language of an Accept-Language header (by quality) that we speak: `ur-PK`
    /// and `ur` are Urdu, any English is English.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        accept_language::parse(header)
            .iter()
            .find_map(|tag| Lang::parse(tag.split(['-', '_']).next().unwrap_or("")))
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Ur => include_str!("locales/ur.ftl"),
            Lang::En => include_str!("locales/en.ftl"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One language's messages and formatters.
struct Speaker {
    bundle: FluentBundle<FluentResource>,
    numbers: icu_decimal::DecimalFormatter,
    dates: icu_datetime::DateTimeFormatter<icu_datetime::fieldsets::YMDT>,
    /// The language's alphabetical order (Urdu's is not Unicode's code-point order).
    order: icu_collator::CollatorBorrowed<'static>,
}

static SPEAKERS: LazyLock<Vec<Speaker>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|&lang| {
            let resource = FluentResource::try_new(lang.source().to_owned())
                .unwrap_or_else(|(_, errors)| panic!("locales/{lang}.ftl: {errors:?}"));
            let id: unic_langid::LanguageIdentifier =
                lang.code().parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks keep a left-to-right value (a photo's English title) from
            // reordering the Urdu sentence around it; English needs none.
            bundle.set_use_isolating(lang == Lang::Ur);
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("locales/{lang}.ftl: {errors:?}"));
            let locale: icu_locale_core::Locale = lang.code().parse().expect("a valid locale");
            Speaker {
                bundle,
                numbers: icu_decimal::DecimalFormatter::try_new(
                    (&locale).into(),
                    Default::default(),
                )
                .expect("compiled-in number data"),
                dates: icu_datetime::DateTimeFormatter::try_new(
                    (&locale).into(),
                    icu_datetime::fieldsets::YMDT::medium(),
                )
                .expect("compiled-in date data"),
                order: icu_collator::Collator::try_new((&locale).into(), Default::default())
                    .expect("compiled-in collation data"),
            }
        })
        .collect()
});

/// The message ids of a language's file, for the test that both files say everything.
pub fn message_ids(lang: Lang) -> Vec<String> {
    let resource = FluentResource::try_new(lang.source().to_owned()).expect("parses");
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// The language a page is in, with what the page needs to speak it: its messages, its
/// formats, and the address of the same page in the other language.
#[derive(Debug, Clone)]
pub struct Locale {
    /// The page's language.
    pub lang: Lang,
    /// This page in the other language (`?lang=` set, the rest of the query kept).
    pub switch: String,
}

impl Locale {
    /// A locale with no page address (for tests and renders outside a request).
    pub fn of(lang: Lang) -> Locale {
        Locale {
            lang,
            switch: format!("/?lang={}", lang.other()),
        }
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn t1(&self, id: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.to_string());
        self.format(id, Some(&args))
    }

    /// The message `id` with two arguments.
    pub fn t2(
        &self,
        id: &str,
        name1: &str,
        value1: impl ToString,
        name2: &str,
        value2: impl ToString,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name1, value1.to_string());
        args.set(name2, value2.to_string());
        self.format(id, Some(&args))
    }

    /// An official photo's title in this page's language: the Urdu one staff gave, on an
    /// Urdu page, else the one title there is.
    pub fn photo_title<'a>(&self, spec: &'a crate::render::TemplateSpec) -> &'a str {
        self.pick(&spec.title, &spec.title_ur)
    }

    /// An official photo's alt text in this page's language, as [`Locale::photo_title`].
    pub fn photo_alt<'a>(&self, spec: &'a crate::render::TemplateSpec) -> &'a str {
        self.pick(&spec.alt, &spec.alt_ur)
    }

    fn pick<'a>(&self, title: &'a str, urdu: &'a str) -> &'a str {
        match self.lang {
            Lang::Ur if !urdu.trim().is_empty() => urdu,
            _ => title,
        }
    }

    /// `<title>` text: `{title} · jalsa`.
    pub fn title(&self, title: &str) -> String {
        self.t1("page-title", "title", title)
    }

    /// `a` and `b` in the language's alphabetical order, for lists a reader scans by name
    /// (cities: کراچی after پشاور, as in an Urdu dictionary, not 29th by code point).
    pub fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        SPEAKERS[self.lang.index()].order.compare(a, b)
    }

    /// A whole number as the language writes it (grouping separators and all).
    pub fn number(&self, n: i64) -> String {
        SPEAKERS[self.lang.index()]
            .numbers
            .format(&icu_decimal::input::Decimal::from(n))
            .to_string()
    }

    /// A moment (milliseconds since 1970, UTC) as the language writes a date and a time,
    /// followed by `UTC`.
    pub fn datetime(&self, ms: i64) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
            return self.number(ms);
        };
        let date = icu_datetime::input::Date::try_new_iso(t.year(), u8::from(t.month()), t.day());
        let clock = icu_datetime::input::Time::try_new(t.hour(), t.minute(), t.second(), 0);
        match (date, clock) {
            (Ok(date), Ok(time)) => {
                let moment = icu_datetime::input::DateTime { date, time };
                format!("{} UTC", SPEAKERS[self.lang.index()].dates.format(&moment))
            }
            _ => self.number(ms),
        }
    }

    /// The readable message for an error, in this language, by its code; the API's own
    /// English sentence is there as `$detail` for the messages that need it.
    pub fn error(&self, e: &AppError) -> String {
        let mut args = FluentArgs::new();
        args.set("detail", e.message.clone());
        for (name, value) in &e.args {
            args.set(*name, value.clone());
        }
        let id = format!("error-{}", e.code);
        if SPEAKERS[self.lang.index()].bundle.has_message(&id) {
            self.format(&id, Some(&args))
        } else {
            let generic = if e.status.is_server_error() {
                "error-internal"
            } else {
                "error-bad_request"
            };
            self.format(generic, Some(&args))
        }
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &SPEAKERS[self.lang.index()].bundle;
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, lang = %self.lang, "no such message");
            return id.to_owned();
        };
        let mut errors = vec![];
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, lang = %self.lang, ?errors, "message formatted with errors");
        }
        text.into_owned()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Locale>()
            .cloned()
            .unwrap_or_else(|| Locale::of(Lang::Ur)))
    }
}

/// Chooses the language of each request and keeps an explicit `?lang=` in a cookie. Pages
/// read the choice with the [`Locale`] extractor, and so does the layer that writes error
/// pages ([`super::problem::render_pages`]).
pub(super) async fn choose(
    State(default): State<Lang>,
    mut request: Request,
    next: Next,
) -> Response {
    // Pictures, static files, probes and the JSON API speak no language: they skip the
    // choice (the picture path stays as fast as it was). A readable error page one of them
    // answers with (a 405, say) is written in the service's default language.
    if speaks_no_language(request.uri().path()) {
        return next.run(request).await;
    }
    let asked = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    let headers = request.headers();
    let kept = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| Lang::parse(value));
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let lang = asked.or(kept).or(accepted).unwrap_or(default);
    let locale = Locale {
        lang,
        switch: switch_url(request.uri(), lang.other()),
    };
    request.extensions_mut().insert(locale.clone());
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        // The same address answers in either language: caches must keep them apart.
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Language"),
        );
        response.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        );
    }
    if let Some(asked) = asked {
        let cookie = format!("{COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Paths whose answers are the same in every language.
fn speaks_no_language(path: &str) -> bool {
    [
        "/i/", "/static/", "/photos/", "/icons/", "/render/", "/api/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
        || matches!(
            path,
            "/favicon.ico" | "/manifest.webmanifest" | "/healthz" | "/metrics"
        )
}

/// `uri` with `lang` set to `to`, the rest of its query kept.
fn switch_url(uri: &axum::http::Uri, to: Lang) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(q) = uri.query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            if k != "lang" {
                query.append_pair(&k, &v);
            }
        }
    }
    query.append_pair("lang", to.code());
    format!("{}?{}", uri.path(), query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_follows_quality_and_region() {
        assert_eq!(
            Lang::from_accept_language("ur-PK,ur;q=0.9,en;q=0.8"),
            Some(Lang::Ur)
        );
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("en;q=0.2, ur;q=0.9"),
            Some(Lang::Ur)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR, de;q=0.5, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn the_switch_link_keeps_the_rest_of_the_query() {
        let uri: axum::http::Uri = "/t/hubble?parent=abc&lang=ur".parse().unwrap();
        assert_eq!(switch_url(&uri, Lang::En), "/t/hubble?parent=abc&lang=en");
        let uri: axum::http::Uri = "/".parse().unwrap();
        assert_eq!(switch_url(&uri, Lang::Ur), "/?lang=ur");
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let en = Locale::of(Lang::En);
        let ur = Locale::of(Lang::Ur);
        assert_eq!(en.number(1_234_567), "1,234,567");
        let date = 1_795_777_126_823; // 2026-11-27 10:58:46 UTC
        let english = en.datetime(date);
        assert!(
            english.contains("Nov") && english.contains("2026"),
            "{english}"
        );
        let urdu = ur.datetime(date);
        assert!(urdu.contains("نومبر"), "{urdu}");
        assert_ne!(english, urdu);
    }

    #[test]
    fn messages_take_their_arguments() {
        let en = Locale::of(Lang::En);
        assert_eq!(en.t1("form-caption", "n", 2), "Caption 2");
        let ur = Locale::of(Lang::Ur);
        assert!(ur.t1("form-caption", "n", 2).contains('2'));
        assert_ne!(ur.t("home-heading"), en.t("home-heading"));
    }
}
