### jalsa's interface in English. Every message here has its twin in ur.ftl; a test fails
### when one is missing from either file. `$detail` in an error message is the API's own
### English sentence, for the errors whose cause only it can name.

## Every page

site-name = jalsa
page-title = { $title } · jalsa
nav-label = Site
nav-photos = Photos
nav-gallery = Gallery
# The link to the other language, written in that language.
switch-language = اردو
switch-language-label = یہ صفحہ اردو میں پڑھیں

## Home

home-title = jalsa · remix the official photos
home-description = Pick one of the campaign’s official photos, add your own words in English or Urdu, and share it on Facebook, X and WhatsApp.
home-heading = Pick a photo, add your words, share it
home-featured = Featured remixes
home-see-gallery = See the gallery

## The remix form

form-title = Remix “{ $photo }”
form-description = Add your own words to “{ $photo }” and share it: { $alt }
form-preview = Preview
form-preview-alt = Preview: { $alt }
form-remixing = You are remixing another supporter’s remix.
form-remixing-link = See the original
form-caption = Caption { $n }
form-caption-top = Caption { $n } (top)
form-caption-bottom = Caption { $n } (bottom)
form-colour = Colour
form-outline = Outline
form-font = Font
form-submit = Make my remix
colour-default = White (default)
colour-black = Black
colour-yellow = Yellow
colour-green = Green
colour-red = Red
colour-blue = Blue
colour-orange = Orange
colour-pink = Pink
colour-grey = Grey
colour-cyan = Cyan
outline-default = Black (default)
outline-white = White
outline-none = None
outline-green = Green
outline-red = Red
font-default = Automatic
font-anton = Anton (meme)
font-noto-sans = Noto Sans
font-nastaliq = Nastaliq (Urdu)
font-naskh = Naskh (Urdu, Arabic)

## The share page

share-description = A remix of “{ $photo }”. Make your own.
# What the X and WhatsApp buttons carry before the link.
share-text = { $title } — remixed on jalsa
share-facebook = Share on Facebook
share-x = Post on X
share-whatsapp = Send on WhatsApp
share-download = Download
share-download-square = Download for profile
share-download-story = Download for status
share-link = Link
share-copy = Copy link
share-copied = Copied
share-remix-this = Remix this
share-parent = This remixes another supporter’s remix.
share-parent-link = See it
share-reported = Thank you: the campaign’s team will look at this remix.
report-summary = Report this remix
report-reason = What is wrong with it?
report-submit = Report
# Alt text of a remix: its captions on the photo's own description.
remix-alt = “{ $captions }” on { $photo }

## The gallery

gallery-title = Gallery
gallery-heading-template = Gallery: remixes of “{ $photo }”
gallery-description = The best remixes of the campaign’s official photos, chosen by the campaign.
gallery-empty = No remixes in the gallery yet: the campaign’s team picks them from what supporters make.
gallery-make-first = Make one.
gallery-more = More remixes

## The maker's private delete link

share-made-title = Your private delete link
share-made-explain = Only you see this, and only now. Keep it: with it you can delete this picture from jalsa for good. Anyone you give it to can too.
share-made-label = Private delete link
delete-title = Delete this picture?
delete-explain = It will be gone from jalsa for good: the picture, every copy of it, and its share page. Links to it will say it was deleted.
delete-submit = Delete it for good
deleted-title = Deleted
deleted-explain = The picture and every copy of it are gone from jalsa.

## Error pages

error-title-not-found = Not found
error-title-gone = Gone
error-title-slow-down = Slow down
error-title-busy = Busy
error-title-client = That did not work
error-title-server = Something went wrong
error-back = Back to the photos
error-bad_request = This request could not be read.
error-method_not_allowed = This address does not take that kind of request.
error-timeout = The request took too long to arrive. Please try again.
error-bad_json = The request’s JSON could not be read.
error-invalid_json = The request’s JSON reads, but its fields or their values are not the ones this takes.
error-bad_form = The form could not be read. Please fill it in again.
error-bad_query = This address carries options the page cannot read.
error-bad_style = That colour, outline or font does not exist.
error-bad_cursor = That page of the list does not exist. Start again from the first page.
error-bad_status = That status does not exist.
error-bad_upload = The upload could not be read: { $detail }
error-bad_photo = That file is not a photo this takes: { $detail }
error-photo_too_large = That photo is too large: { $detail }
error-invalid_template = That photo’s details cannot be used: { $detail }
error-template_exists = A photo with that name already exists.
error-area_exists = An area with that id already exists.
error-invalid = This cannot be saved: { $detail }
error-unknown_template = There is no such photo to remix.
error-template_retired = The campaign has retired this photo. Please pick another one.
error-unknown_parent = The remix you are remixing no longer exists.
error-caption_blocked = Your caption contains a phrase this campaign does not allow. Please say it in other words.
error-reason_blocked = Your reason contains a phrase this campaign does not allow. Please say it in other words.
error-not_found = There is nothing at this address.
error-range_not_satisfiable = That part of the picture does not exist.
error-removed = The campaign has removed this remix.
error-deleted = The person who made this remix has deleted it.
error-picture_lost = This picture is missing from storage and cannot be made again.
error-picture_deleted = The same picture was made before and deleted by the person who made it. Change a caption or the style to make a new one.
error-picture_removed = The campaign has removed this same picture. Change a caption or the style to make a new one.
error-busy = Many pictures are being made right now. Please try again in a few seconds.
error-rate_limited = That was a lot in a short time. Please wait a little and try again.
error-too_many = That is more than one request may carry.
error-too_large = That is larger than this page takes.
error-unsupported_media_type = That kind of content is not taken here.
error-unauthorized = Please sign in first.
error-csrf = This form has expired or did not come from this site. Go back, reload it and try again.
error-internal = Something went wrong on our side. Please try again.
error-too_many_captions = This photo takes at most { $boxes } captions.
error-caption_too_long = Caption { $index } is too long: { $chars } characters, and at most { $max } fit.
error-caption_does_not_fit = Caption { $index } does not fit its box. Please shorten it.
error-too_many_lines = Caption { $index } has { $lines } lines; its box takes at most { $max }.
error-unsupported_character = Caption { $index } contains { $char }, which no font here can draw.
error-bad_width = That picture size is not available.
error-login = That name and password do not match.

## Staff pages

staff-nav-label = Staff
staff-queue = Queue
staff-photos = Photos
staff-blocklist = Blocklist
staff-tokens = API tokens
staff-audit = Audit log
staff-sign-out = Sign out { $name }
login-title = Staff sign-in
login-name = Name
login-password = Password
login-submit = Sign in
queue-title = Moderation queue
queue-empty = Nothing waits for a decision.
queue-bulk = For the ticked remixes:
queue-approve = Approve
queue-feature = Feature
queue-hide = Hide
queue-remove = Remove
queue-apply = Apply
queue-reported = reported { $count } times
queue-open = open
queue-held = Held: matches the blocked phrase “{ $phrase }”
queue-held-variant = Held: matches “{ $variant }”, a spelling of the blocked phrase “{ $phrase }”
queue-held-how = written { $how }
disguise-hidden_characters = with hidden or look-alike characters
disguise-display_order = with bidi overrides (it shows only as displayed)
disguise-digits = with digits or symbols for letters
disguise-look_alike = with Urdu letters for Latin ones
disguise-spaced = with its letters spaced or dotted apart
disguise-run_together = with its words run together
disguise-across_boxes = split across the text boxes
disguise-spelling = in another spelling
disguise-plural = as a plural
list-older = Older
status-new = new
status-approved = approved
status-featured = featured
status-hidden = hidden
status-removed = removed
status-published = published
status-retired = retired
status-draft = draft
photos-title = Official photos
photos-photo = Photo
photos-status = Status
photos-size = Size
photos-size-value = { $width } × { $height }
photos-upload = Upload a photo
photos-file = Photo (JPEG, PNG or WebP, up to 20 MB)
photos-title-field = Title
photos-alt = Alt text (what the photo shows)
photos-title-ur-field = Title in Urdu (optional; Urdu pages show it)
photos-alt-ur = Alt text in Urdu (optional)
photos-hashtags = Hashtags, without #
photos-upload-submit = Upload, then place the text boxes
photo-preview-alt = Preview with sample captions
photo-preview-help = Preview with sample captions. With JavaScript, drag on the photo to draw the box chosen below.
photo-alt = Alt text
photo-hashtags = Hashtags
photo-box = Box
photo-x = x
photo-y = y
photo-width = width
photo-height = height
photo-box-field = box { $n } { $field }
photo-boxes-help = Fractions of the photo from 0 to 1; leave a row empty for no box.
photo-save = Save
photo-retire = Retire (no new remixes; links keep working)
photo-publish = Publish
blocklist-title = Caption blocklist
blocklist-help = Whole words or phrases, in any case, in English, Urdu or Roman Urdu.
blocklist-phrase = Word or phrase
blocklist-block = Block
blocklist-remove = Remove
blocklist-variants = Other spellings (optional, separated by commas)
blocklist-holds = A caption with a blocked phrase is made but held in the moderation queue until staff decide, even under post-moderation; the queue says which phrase held it and how it was written.
blocklist-refuses = A caption with a blocked phrase is refused: the supporter is told which caption to change, and nothing is made.
blocklist-matching = Captions are checked as they are drawn on the photo: hidden or look-alike characters, bidi overrides, digits or symbols for letters (ch0r, l!ar), letters spaced or dotted apart (c h o r, c.h.o.r), words run together or split across the two boxes, doubled letters and other Roman Urdu vowels (ee/i, oo/u), w/v, q/k and plurals (-s, -on, ـوں) all match. Numbers alone (100, 2024) are never read as letters. Add other spellings as variants.
tokens-title = API tokens
tokens-created = Your new token, shown this once:
tokens-create = Create a token
tokens-id = Id
tokens-staff = Staff
tokens-state = State
tokens-actions = Actions
tokens-revoked = revoked
tokens-live = live
tokens-revoke = Revoke
audit-title = Audit log
audit-when = When
audit-who = Who
audit-what = What
audit-item = Item
audit-detail = Detail

## Frames: a supporter's own photo under an official frame
home-frames = Put yourself in the frame
home-frames-note = Your own photo inside an official badge, for your profile picture or status.
frame-title = { $frame }: your photo in the frame
frame-description = Put your own photo inside “{ $frame }” ({ $alt }) and use it as your profile picture or status.
frame-stage-label = Your photo under the frame: drag to move it, pinch or use the zoom to resize it
frame-how = Tap the frame to choose a photo, then drag it into place and pinch or zoom to fit it.
frame-your-photo = Your photo (JPEG, PNG or WebP)
frame-photo-note = Up to 20 MB. Your photo itself is never kept: only the finished picture is.
frame-zoom-text = Zoom
frame-gallery = Show it in the public gallery (after the campaign checks it)
frame-privacy = Without this tick, your picture is not listed anywhere: only people you send the link to can see it, and you get a private link to delete it.
frame-submit = Make my picture
frame-unreadable = This file cannot be shown here. Choose a JPEG, PNG or WebP photo.
share-frame-yours = Put your own photo in this frame
photos-frame = This is a frame (a PNG with transparency, 1080 × 1080 or 1080 × 1920)
photos-kind = Kind
photos-kind-photo = photo
photos-kind-frame = frame
error-photo_missing = Please choose a photo first.
error-photo_heic = This is an iPhone HEIC photo, which cannot be read here. Choose a JPEG, PNG or WebP (on an iPhone: Settings, Camera, Formats, Most Compatible).
error-photo_svg = This is a drawing (SVG), not a photo. Choose a JPEG, PNG or WebP.
error-photo_polyglot = This file is a photo and something else at once. Please send the photo alone.
error-photo_not_accepted = This kind of file is not taken here: { $detail }
error-photo_damaged = This photo is damaged or was cut short while sending. Please try it again.
error-photo_too_many_pixels = This photo has too many pixels: { $detail }
error-photo_too_small = This photo is too small: { $detail }
error-photo_too_costly = This photo is saved in a way that is too heavy to open here: { $detail }
error-cross_site = A page on another site cannot make a new picture here. Open the photo on this site to make it.
error-headers_too_large = This request is too large: { $detail }
error-uri_too_long = This link is too long: { $detail }
error-bad_crop = That part of the photo cannot be used: { $detail }
error-unknown_frame = There is no such frame.

## Areas: where a supporter is (optional, remembered on their device only)
form-area = Your city or district (optional)
form-area-none = Not saying
form-area-note = Helps the campaign see where its supporters are. Remembered on this device only.
error-unknown_area = That city or district is not on the list. Please choose another.
staff-areas = Areas
areas-title = Areas
areas-help = The cities and districts supporters may say they are in, and the constituencies within them, named in English and Urdu. A retired area is no longer offered; remixes that name it keep it.
areas-add = Add an area
areas-name-en = English name
areas-name-ur = Urdu name
areas-id = Id (made from the English name if left empty)
areas-add-submit = Add
areas-csv = Import and export
areas-export = Download all areas as CSV
areas-import-file = A CSV file: id, name_en, name_ur (and retired, and parent for a constituency), a header first
areas-import = Import (all rows or none)
areas-list = All areas
areas-retired = Retired
areas-save = Save
areas-name-en-of = English name of { $id }
areas-name-ur-of = Urdu name of { $id }
areas-retired-of = { $id } retired
areas-parent = In (for a constituency)
areas-parent-none = None: a city or district
error-bad_rows = Nothing was imported: { $rows }

## The reach dashboard
staff-reach = Reach
reach-title = Reach
reach-privacy = Counts only: no address, cookie or browser of any supporter is kept. Previews are link previews shown by Facebook, X, WhatsApp and others.
reach-what-counts = Visits, pictures seen, previews, shares (per network), links copied and downloads count unique visitors per remix per day: whatever one visitor does to a remix counts once a day, however often they do it, and over a longer period the days add up. A visitor is an internet address and a browser, and one address counts at most { $most } times (people sharing a connection count apart up to then). With several servers, a visitor may count once on each. Previews count once a day per crawler address. Remixes and "remixed again" count every remix made.
reach-period = Period
reach-days = the last { $days } days
reach-one-day = the last day
reach-remixes = Remixes
reach-page-views = Visits
reach-picture-views = Pictures seen
reach-previews = Previews
reach-shares = Shares
reach-copies = Links copied
reach-downloads = Downloads
reach-children = Remixed again
reach-visits = Visits from it
reach-seen = Seen
reach-by-network = By network
reach-by-template = By photo or frame
reach-by-area = By area
reach-by-constituency = By constituency
reach-top-hour = Most seen in the last hour
reach-top-day = Most seen in the last day
reach-top-week = Most seen in the last week
reach-chart-hours = The last 48 hours, per hour
reach-chart-days = The period, per day
reach-csv = Download this table as CSV
reach-nothing = Nothing yet.
reach-no-area = No area given
reach-one-remix = One remix
reach-remix-id = Remix id (16 letters and digits, from its address)
reach-show = Show
reach-no-remix = There is no remix { $id }.
reach-descendants = Remixes made from it, at any depth
reach-generations = Generations deep
reach-lineage = Its lineage
reach-generation = generation { $n }
reach-hashtags = Hashtags: how far each photo's travelled (visits, previews and shares)
reach-this-period = This period
reach-period-before = The period before
reach-change = Change
reach-new = new

## The last mile (issue 34): a phone on a slow network.
error-upload_stalled = The picture stopped arriving: the connection dropped or is too slow right now. Send it again.
share-ready-title = Your picture is ready
share-ready-waiting = Its link works now: share it. It will show in the gallery once the campaign’s team approves it.
share-ready-in-gallery = It is in the gallery too.
share-ready-unlisted = It is not in the gallery: only people you send the link to will see it.
share-picture = Share the picture
share-picture-story = Share for status
share-picture-square = Share for profile
frame-pick = Choose your photo
frame-change = Choose another photo
frame-sending = Sending your picture…
frame-failed = The picture did not get through: the network dropped. Your photo, its place in the frame and your words are all still here.
frame-retry = Send again
gallery-yours-title = Your pictures
gallery-yours-note = Remembered on this phone only. The gallery shows them once the campaign’s team approves them.
