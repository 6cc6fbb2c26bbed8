//! Slides over HTTP: deck and still uploads (admitted by [`super::admission`],
//! rendered by `sala-slides` in a worker process, [`crate::render`]), deck
//! manifests and page images (content-addressed, cacheable for ever).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sala_protocol::{Deck, DeckId, ImageFormat, ImageId, Rendition, SlidePage};
use serde::Deserialize;

use super::admission::Uploader;
use super::AppError;
use crate::db::{now_ms, StoredImage};
use crate::render::{RenderError, RenderKind};
use crate::AppState;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

#[derive(Deserialize)]
pub struct UploadQuery {
    /// The file's name as the browser gave it.
    #[serde(default)]
    name: String,
}

/// `POST /api/meetings/{id}/decks?name=…`, body: a PDF, PNG, JPEG or WebP,
/// made as someone in the room who may present (admitted by
/// [`super::admission`], which says who).
pub async fn upload_deck(
    State(state): State<AppState>,
    Extension(Uploader { meeting, peer }): Extension<Uploader>,
    Query(query): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Deck>), AppError> {
    let body = body?;
    let pages = state.renderer().render(RenderKind::Deck, body).await?;
    let mut images = Vec::new();
    let pages = pages
        .into_iter()
        .map(|page| slide_page(page, &mut images))
        .collect::<Result<Vec<_>, _>>()?;
    let name: String = query.name.trim().chars().take(120).collect();
    let deck = Deck {
        id: DeckId::from_random(rand::random()),
        name,
        pages,
    };
    tracing::info!(meeting = %meeting, peer = %peer, deck = %deck.id, pages = deck.pages.len(), "deck uploaded");
    state
        .db()
        .save_deck(meeting, deck.clone(), images, now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(deck)))
}

/// `POST /api/meetings/{id}/stills`, body: one picture (a screen-share
/// still), made as someone in the room who may present (admitted by
/// [`super::admission`]).
pub async fn upload_still(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<SlidePage>), AppError> {
    let body = body?;
    let page = state
        .renderer()
        .render(RenderKind::Still, body)
        .await?
        .pop()
        .ok_or(AppError::Render(SlidesRenderError::Render(
            RenderError::Crashed("a still rendered to no page".to_owned()),
        )))?;
    let mut images = Vec::new();
    let page = slide_page(page, &mut images)?;
    state.db().save_images(images).await?;
    Ok((StatusCode::CREATED, Json(page)))
}

/// `GET /api/decks/{id}`.
pub async fn deck(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let Path(id) = id?;
    let id = DeckId::parse(&id).map_err(|_| AppError::NotFound)?;
    let deck = state.db().deck(id).await?.ok_or(AppError::NotFound)?;
    Ok(([(CACHE_CONTROL, IMMUTABLE)], Json(deck)).into_response())
}

/// `GET /api/slides/{sha256}.{webp|png}`.
pub async fn image(
    State(state): State<AppState>,
    file: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Path(file) = file?;
    let (id, ext) = file.split_once('.').ok_or(AppError::NotFound)?;
    let id = ImageId::try_from(id.to_owned()).map_err(|_| AppError::NotFound)?;
    let wanted = ImageFormat::from_extension(ext).ok_or(AppError::NotFound)?;
    let etag = format!("\"{id}\"");
    if headers
        .get(IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((StatusCode::NOT_MODIFIED, [(CACHE_CONTROL, IMMUTABLE)]).into_response());
    }
    let (format, data) = state
        .db()
        .image(id)
        .await?
        .filter(|(format, _)| *format == wanted)
        .ok_or(AppError::NotFound)?;
    let etag = HeaderValue::from_str(&etag).expect("hex digits make a valid header");
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(format.mime())),
            (CACHE_CONTROL, IMMUTABLE),
            (ETAG, etag),
        ],
        data,
    )
        .into_response())
}

/// A rendered page as the wire sees it; its images go to `images`.
fn slide_page(
    page: sala_slides::Page,
    images: &mut Vec<StoredImage>,
) -> Result<SlidePage, AppError> {
    let renditions = page
        .renditions
        .into_iter()
        .map(|r| {
            let id = ImageId::try_from(sala_slides::content_id(&r.bytes))
                .expect("a SHA-256 in lowercase hex is an image id");
            let format = match r.format {
                sala_slides::Format::WebP => ImageFormat::Webp,
                sala_slides::Format::Png => ImageFormat::Png,
            };
            let rendition = Rendition {
                id: id.clone(),
                format,
                width: r.width,
                height: r.height,
                bytes: r.bytes.len() as u32,
            };
            images.push(StoredImage {
                id,
                format,
                data: r.bytes,
            });
            rendition
        })
        .collect::<Vec<_>>();
    SlidePage::try_from(renditions).map_err(|e| AppError::Render(SlidesRenderError::Shape(e)))
}

/// Why rendering an upload failed, as the error type sees it.
#[derive(Debug, thiserror::Error)]
pub enum SlidesRenderError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("rendered page has an unexpected shape: {0}")]
    Shape(sala_protocol::SlidePageError),
}
