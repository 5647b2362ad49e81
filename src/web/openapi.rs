//! The OpenAPI document of `/api`, generated from the handlers and the types they read and
//! answer with (utoipa), so it cannot drift from the code. `GET /api/openapi.json` serves
//! it; CI runs schemathesis against a live server with it.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{api, frames, staff};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jalsa",
        description = "Supporters remix a campaign's official photos. Errors answer \
            `{\"error\": {\"code\", \"message\"}}` with the status given for each operation."
    ),
    paths(
        api::templates, api::create, api::remix, api::gallery, openapi, api::healthz,
        api::metrics, api::areas, frames::frames, frames::create,
        staff::queue::api_queue, staff::queue::api_bulk_status, staff::queue::api_status,
        staff::templates::api_upload, staff::templates::api_retire,
        staff::templates::api_publish, staff::templates::api_upload_frame,
        staff::blocklist::api_blocklist, staff::blocklist::api_block,
        staff::blocklist::api_unblock,
        staff::tokens::api_create_token, staff::tokens::api_revoke_token,
        staff::audit::api_audit,
        staff::areas::api_areas, staff::areas::api_add, staff::areas::api_change,
        staff::areas::api_import, staff::areas::api_export, staff::reach::api_reach,
    ),
    modifiers(&StaffToken),
    tags(
        (name = "supporters", description = "Templates, remixes and the gallery"),
        (name = "staff", description = "The staff area's actions, behind a bearer token \
            (`jalsa staff token NAME`)"),
        (name = "operators", description = "Health and metrics"),
        (name = "developers", description = "This document"),
    )
)]
struct ApiDoc;

/// The bearer token the staff routes take.
struct StaffToken;

impl Modify for StaffToken {
    /// Every `/api/staff/` operation takes the token, is tagged `staff`, and answers 401
    /// without it: said once here rather than at each handler.
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "staff_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A staff API token (`jalsa staff token NAME`)"))
                    .build(),
            ),
        );
        let unauthorized = ResponseBuilder::new()
            .description("No valid staff token")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build(),
            )
            .build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/staff/") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                operation.tags = Some(vec!["staff".into()]);
                operation.security = Some(vec![SecurityRequirement::new(
                    "staff_token",
                    Vec::<String>::new(),
                )]);
                operation
                    .responses
                    .responses
                    .insert("401".into(), unauthorized.clone().into());
            }
        }
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "developers",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub(crate) async fn openapi() -> Response {
    static DOCUMENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        document()
            .to_json()
            .expect("the OpenAPI document serialises")
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
        .into_response()
}
