//! What reach counts: the events that happen to a remix, the networks with a share button,
//! and the tally they are gathered in between writes (counting and writing are `reach`).

use std::collections::HashMap;

use crate::db::RemixId;

/// A network with a share button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Network {
    /// Facebook.
    Facebook,
    /// X (Twitter).
    X,
    /// WhatsApp.
    WhatsApp,
}

impl Network {
    /// Every network, in button order.
    pub const ALL: [Network; 3] = [Network::Facebook, Network::X, Network::WhatsApp];

    /// Its name in URLs and figures: `facebook`, `x`, `whatsapp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Facebook => "facebook",
            Network::X => "x",
            Network::WhatsApp => "whatsapp",
        }
    }
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Network, String> {
        Network::ALL
            .into_iter()
            .find(|n| n.as_str() == s)
            .ok_or_else(|| format!("no network {s:?}; there are facebook, x and whatsapp"))
    }
}

/// Something that happened to a remix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// A person opened its share page.
    PageView,
    /// A person's browser fetched its picture (or a narrower copy of it).
    PictureView,
    /// A link-preview crawler fetched its card: a preview shown somewhere.
    Preview,
    /// A share button was clicked.
    Share(Network),
    /// Its link was copied.
    Copy,
    /// It was downloaded (as it is, or for a profile picture or a status).
    Download,
    /// Someone remixed it ("remix this").
    Child,
    /// It was made: counted in the campaign's figures only, never per remix.
    Made,
    /// A visit to its share page came from a link on this domain.
    Referrer(String),
}

impl Event {
    /// The metric it is stored under.
    pub fn metric(&self) -> String {
        match self {
            Event::PageView => "page_view".into(),
            Event::PictureView => "picture_view".into(),
            Event::Preview => "preview".into(),
            Event::Share(n) => format!("share:{}", n.as_str()),
            Event::Copy => "copy".into(),
            Event::Download => "download".into(),
            Event::Child => "child".into(),
            Event::Made => "made".into(),
            Event::Referrer(domain) => format!("ref:{domain}"),
        }
    }
}

/// Counts gathered since the last write: (remix, hour, event) -> how many.
#[derive(Default)]
pub(super) struct Tally(pub(super) HashMap<(RemixId, i64, Event), i64>);
