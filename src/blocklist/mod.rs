//! The caption blocklist, and the reading that makes disguised spellings of a blocked
//! phrase match it.
//!
//! A caption is judged as it will be drawn, not as it was typed: after the renderer's own
//! cleaning (so a control character it drops splits no word), and, once laid out, line by
//! line in the order the renderer draws it (so bidi overrides that show a reversed
//! spelling forwards hide nothing). Both the text and the staff's phrases go through
//! [`fold`] (invisible characters, look-alike letters, accents, Arabic forms of Urdu
//! letters) and are cut into words two ways:
//!
//! - *plain*: at every space and mark; digits are digits, so "100", "8 Feb" and "NA-127"
//!   stay numbers;
//! - *glued*: in a word that has Latin letters, digits and symbols are read as the
//!   letters they stand for (ch0r, l!ar, $cum) and Arabic-script letters as Latin ones
//!   they pass for; letters spaced or dotted apart (c h o r, c.h.o.r, c_h_o_r) are one
//!   word.
//!
//! A phrase matches whole words (never inside a longer word): its words may be run
//! together as one (chorhai), be split where the eye sees no gap (a space after an Urdu
//! letter that does not join the next, the end of one text box and the start of the
//! next), be spelled loosely as Roman Urdu is (doubled letters, ee/i, oo/u, w/v, q/k) and
//! take a plural ending. Staff add other spellings as variants of a phrase.
//!
//! The files, each using only those listed before it:
//!
//! - `folding`: [`fold`], the spelling both sides are compared in;
//! - `held`: [`Held`], what was found and the [`Disguise`]s it wore;
//! - `spelling`: each word's canonical spelling in a reading mode, and plural endings;
//! - `pieces`: folded text cut into words, and the gaps between them;
//! - `matching`: a text's readings and the phrases' forms matched against them;
//! - `display`: the order a reader reads bidi text in;
//! - `list`: [`Blocklist`] and its [`Entry`]s, the public way in.

mod display;
mod folding;
mod held;
mod list;
mod matching;
mod pieces;
mod spelling;

pub use folding::fold;
pub use held::{Disguise, Held};
pub use list::{Blocklist, Entry};
pub use pieces::words;
