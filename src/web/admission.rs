//! The web's admission to a new render ([`crate::remix::Admission`]): a page on another
//! site may not make a new remix, and each client has its limit. Asked only when a request
//! finds nothing made before, so repeats are never limited.

use axum::http::{Extensions, HeaderMap};

use super::AppState;
use crate::error::{AppError, Code};
use crate::remix::Admission;

/// One request's admission.
pub struct WebAdmission<'a> {
    state: &'a AppState,
    template: String,
    headers: &'a HeaderMap,
    extensions: &'a Extensions,
}

impl<'a> WebAdmission<'a> {
    /// The admission of a request for a remix of `template`.
    pub fn new(
        state: &'a AppState,
        template: &str,
        headers: &'a HeaderMap,
        extensions: &'a Extensions,
    ) -> WebAdmission<'a> {
        WebAdmission {
            state,
            template: template.to_owned(),
            headers,
            extensions,
        }
    }
}

impl Admission for WebAdmission<'_> {
    type Error = AppError;

    async fn admit(&self) -> Result<(), AppError> {
        self.refuse_cross_site()?;
        let client = self.state.client_ip(self.headers, self.extensions);
        self.state.check_rate(client).await
    }
}

impl WebAdmission<'_> {
    /// Refuses a request a browser says another site started (an `<img>` pointing at
    /// `/render/...`, a form posted from elsewhere): otherwise any web page could make its
    /// visitors' browsers create remixes, disguised words and all, from thousands of
    /// addresses. Remixes made before are still served to anyone, and programs (which send
    /// no `Sec-Fetch-Site`) and the campaign's own sites are not affected.
    fn refuse_cross_site(&self) -> Result<(), AppError> {
        let cross_site = self
            .headers
            .get("sec-fetch-site")
            .is_some_and(|site| site.as_bytes().eq_ignore_ascii_case(b"cross-site"));
        if !cross_site {
            return Ok(());
        }
        Err(AppError::new(
            Code::CrossSite,
            format!(
                "a page on another site cannot make a new remix; open {}/t/{} to make it",
                self.state.public_url(),
                self.template
            ),
        ))
    }
}
