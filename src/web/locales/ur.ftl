### Fixed Urdu terms (and the words they replace) are listed in glossary.tsv, next to this file.
### jalsa's interface in Urdu. Every message here has its twin in en.ftl; a test fails
### when one is missing from either file. `$detail` in an error message is the API's own
### English sentence, for the errors whose cause only it can name.

## Every page

site-name = جلسہ
page-title = { $title } · جلسہ
nav-label = سائٹ
nav-photos = تصاویر
nav-gallery = گیلری
# The link to the other language, written in that language.
switch-language = English
switch-language-label = Read this page in English

## Home

home-title = جلسہ · مہم کی تصاویر کا ریمکس بنائیں
home-description = مہم کی کوئی تصویر منتخب کریں، اس پر اردو یا انگریزی میں اپنی بات لکھیں، اور اسے Facebook، X اور WhatsApp پر شیئر کریں۔
home-heading = تصویر منتخب کریں، اپنی بات لکھیں، شیئر کریں
home-featured = نمایاں ریمکس
home-see-gallery = گیلری دیکھیں

## The remix form

form-title = “{ $photo }” کا ریمکس بنائیں
form-description = “{ $photo }” پر اپنے الفاظ لکھیں اور اسے شیئر کریں: { $alt }
form-preview = پری ویو
form-preview-alt = پری ویو: { $alt }
form-remixing = آپ کسی دوسرے حامی کے ریمکس کا ریمکس بنا رہے ہیں۔
form-remixing-link = اصل دیکھیں
form-caption = کیپشن { $n }
form-caption-top = کیپشن { $n } (اوپر)
form-caption-bottom = کیپشن { $n } (نیچے)
form-colour = رنگ
form-outline = کنارہ
form-font = فونٹ
form-submit = ریمکس تیار کریں
colour-default = سفید (طے شدہ)
colour-black = سیاہ
colour-yellow = پیلا
colour-green = سبز
colour-red = سرخ
colour-blue = نیلا
colour-orange = نارنجی
colour-pink = گلابی
colour-grey = سرمئی
colour-cyan = فیروزی
outline-default = سیاہ (طے شدہ)
outline-white = سفید
outline-none = کوئی نہیں
outline-green = سبز
outline-red = سرخ
font-default = خودکار
font-anton = Anton (میم)
font-noto-sans = Noto Sans
font-nastaliq = نستعلیق (اردو)
font-naskh = نسخ (اردو، عربی)

## The share page

share-description = “{ $photo }” کا ایک ریمکس۔ آپ بھی اپنا ریمکس بنائیں۔
# What the X and WhatsApp buttons carry before the link.
share-text = { $title } — جلسہ پر بنایا گیا ریمکس
share-facebook = Facebook پر شیئر کریں
share-x = X پر پوسٹ کریں
share-whatsapp = WhatsApp پر بھیجیں
share-download = ڈاؤن لوڈ کریں
share-download-square = پروفائل تصویر کے لیے ڈاؤن لوڈ کریں
share-download-story = اسٹیٹس کے لیے ڈاؤن لوڈ کریں
share-link = لنک
share-copy = لنک کاپی کریں
share-copied = لنک کاپی ہو گیا
share-remix-this = اس کا ریمکس بنائیں
share-parent = یہ کسی دوسرے حامی کے ریمکس کا ریمکس ہے۔
share-parent-link = اسے دیکھیں
share-reported = شکریہ: مہم کی ٹیم اس ریمکس کا جائزہ لے گی۔
report-summary = اس ریمکس کی شکایت کریں
report-reason = اس میں کیا غلط ہے؟
report-submit = شکایت بھیجیں
# Alt text of a remix: its captions on the photo's own description.
remix-alt = { $photo }، جس پر لکھا ہے: “{ $captions }”

## The gallery

gallery-title = گیلری
gallery-heading-template = گیلری: “{ $photo }” کے ریمکس
gallery-description = مہم کی تصاویر کے بہترین ریمکس، جنہیں مہم نے خود چنا ہے۔
gallery-empty = گیلری میں ابھی کوئی ریمکس نہیں: مہم کی ٹیم حامیوں کے بنائے ہوئے ریمکس میں سے چن کر یہاں لگاتی ہے۔
gallery-make-first = آپ بھی ریمکس بنائیں۔
gallery-more = مزید ریمکس

## The maker's private delete link

share-made-title = ڈیلیٹ کرنے کا آپ کا نجی لنک
share-made-explain = یہ لنک صرف آپ کو اور صرف ابھی نظر آ رہا ہے۔ اسے سنبھال کر رکھیں: اس سے آپ یہ تصویر جلسہ سے ہمیشہ کے لیے ڈیلیٹ کر سکتے ہیں۔ جسے آپ یہ لنک دیں گے وہ بھی ایسا کر سکے گا۔
share-made-label = ڈیلیٹ کرنے کا نجی لنک
delete-title = کیا یہ تصویر ڈیلیٹ کرنی ہے؟
delete-explain = یہ جلسہ سے ہمیشہ کے لیے ختم ہو جائے گی: تصویر، اس کی ہر کاپی، اور اس کا شیئر والا صفحہ۔ اس کے لنک کھولنے پر بتایا جائے گا کہ اسے ڈیلیٹ کر دیا گیا ہے۔
delete-submit = ہمیشہ کے لیے ڈیلیٹ کریں
deleted-title = تصویر ڈیلیٹ ہو گئی
deleted-explain = تصویر اور اس کی ہر کاپی جلسہ سے ڈیلیٹ ہو چکی ہیں۔

## Error pages

error-title-not-found = نہیں ملا
error-title-gone = اب موجود نہیں
error-title-slow-down = ذرا آہستہ
error-title-busy = ابھی رش ہے
error-title-client = یہ نہیں ہو سکا
error-title-server = کچھ گڑبڑ ہو گئی
error-back = تصاویر پر واپس جائیں
error-bad_request = یہ درخواست پڑھی نہیں جا سکی۔
error-method_not_allowed = یہ لنک اس طرح کی درخواست قبول نہیں کرتا۔
error-timeout = درخواست پہنچنے میں بہت دیر لگی۔ براہ کرم دوبارہ کوشش کریں۔
error-bad_json = درخواست کا JSON پڑھا نہیں جا سکا۔
error-invalid_json = درخواست کا JSON پڑھ لیا گیا، مگر اس کے خانے یا ان کی قدریں درست نہیں۔
error-bad_form = فارم پڑھا نہیں جا سکا۔ براہ کرم اسے دوبارہ پُر کریں۔
error-bad_query = اس لنک میں ایسے اختیارات ہیں جنہیں یہ صفحہ نہیں سمجھ سکتا۔
error-bad_style = یہ رنگ، کنارہ یا فونٹ موجود نہیں۔
error-bad_cursor = فہرست کا یہ صفحہ موجود نہیں ہے۔ پہلے صفحے سے دوبارہ شروع کریں۔
error-bad_status = یہ اسٹیٹس موجود نہیں ہے۔
error-bad_upload = اپ لوڈ کی گئی فائل پڑھی نہیں جا سکی: { $detail }
error-bad_photo = یہ فائل ایسی تصویر نہیں جو یہاں قبول کی جاتی ہو: { $detail }
error-photo_too_large = یہ تصویر بہت بڑی ہے: { $detail }
error-invalid_template = اس تصویر کی تفصیلات استعمال نہیں کی جا سکتیں: { $detail }
error-template_exists = اس نام کی تصویر پہلے سے موجود ہے۔
error-area_exists = اس آئی ڈی کا علاقہ پہلے سے موجود ہے۔
error-invalid = اسے محفوظ نہیں کیا جا سکتا: { $detail }
error-unknown_template = ریمکس کے لیے ایسی کوئی تصویر موجود نہیں۔
error-template_retired = مہم نے یہ تصویر بند کر دی ہے۔ براہ کرم کوئی اور تصویر منتخب کریں۔
error-unknown_parent = آپ جس ریمکس کا ریمکس بنا رہے ہیں وہ اب موجود نہیں۔
error-caption_blocked = آپ کے کیپشن میں ایسے الفاظ ہیں جن کی یہ مہم اجازت نہیں دیتی۔ براہ کرم یہی بات دوسرے الفاظ میں کہیں۔
error-reason_blocked = آپ کی بتائی گئی وجہ میں ایسے الفاظ ہیں جن کی یہ مہم اجازت نہیں دیتی۔ براہ کرم یہی بات دوسرے الفاظ میں کہیں۔
error-not_found = اس لنک پر کچھ موجود نہیں۔
error-range_not_satisfiable = تصویر کا یہ حصہ موجود نہیں۔
error-deleted = اس ریمکس کو بنانے والے نے خود ڈیلیٹ کر دیا ہے۔
error-picture_lost = یہ تصویر سرور پر موجود نہیں رہی اور دوبارہ نہیں بنائی جا سکتی۔
error-picture_deleted = یہی تصویر پہلے بھی بنی تھی اور بنانے والے نے اسے ڈیلیٹ کر دیا۔ نئی تصویر بنانے کے لیے کوئی کیپشن یا انداز بدلیں۔
error-picture_removed = مہم نے یہی تصویر ہٹا دی ہے۔ نئی تصویر بنانے کے لیے کوئی کیپشن یا انداز بدلیں۔
error-removed = مہم نے یہ ریمکس ہٹا دیا ہے۔
error-busy = اس وقت بہت سی تصاویر بن رہی ہیں۔ براہ کرم چند سیکنڈ بعد دوبارہ کوشش کریں۔
error-rate_limited = آپ نے تھوڑے وقت میں بہت زیادہ درخواستیں بھیجی ہیں۔ براہ کرم کچھ دیر انتظار کر کے دوبارہ کوشش کریں۔
error-too_many = یہ ایک درخواست کی حد سے زیادہ ہے۔
error-too_large = یہ اس صفحے کی حد سے بڑا ہے۔
error-unsupported_media_type = اس قسم کا مواد یہاں قبول نہیں کیا جاتا۔
error-unauthorized = براہ کرم پہلے سائن اِن کریں۔
error-csrf = اس فارم کی میعاد ختم ہو گئی ہے یا یہ اس سائٹ سے نہیں آیا۔ واپس جائیں، صفحہ دوبارہ لوڈ کریں اور پھر کوشش کریں۔
error-internal = ہماری طرف کچھ خرابی ہو گئی۔ براہ کرم دوبارہ کوشش کریں۔
error-too_many_captions = اس تصویر پر زیادہ سے زیادہ { $boxes } کیپشن لکھے جا سکتے ہیں۔
error-caption_too_long = کیپشن { $index } بہت لمبا ہے: اس میں { $chars } حروف ہیں، جبکہ زیادہ سے زیادہ { $max } کی گنجائش ہے۔
error-caption_does_not_fit = کیپشن { $index } اپنے خانے میں پورا نہیں آتا۔ براہ کرم اسے مختصر کریں۔
error-too_many_lines = کیپشن { $index } میں { $lines } سطریں ہیں؛ اس کے خانے میں زیادہ سے زیادہ { $max } سطریں آ سکتی ہیں۔
error-unsupported_character = کیپشن { $index } میں { $char } شامل ہے، جسے یہاں کا کوئی فونٹ نہیں دکھا سکتا۔
error-bad_width = تصویر کا یہ سائز دستیاب نہیں۔
error-login = نام یا پاس ورڈ درست نہیں۔

## Staff pages

staff-nav-label = اسٹاف
staff-queue = قطار
staff-photos = تصاویر
staff-blocklist = ممنوعہ الفاظ
staff-tokens = API ٹوکن
staff-audit = آڈٹ لاگ
staff-sign-out = سائن آؤٹ ({ $name })
login-title = اسٹاف سائن اِن
login-name = نام
login-password = پاس ورڈ
login-submit = سائن اِن کریں
queue-title = جائزے کی قطار
queue-empty = فیصلے کے لیے کچھ باقی نہیں۔
queue-bulk = جن ریمکس پر نشان لگا ہے، ان کے لیے:
queue-approve = منظور کریں
queue-feature = نمایاں کریں
queue-hide = چھپائیں
queue-remove = ہٹائیں
queue-apply = لاگو کریں
queue-reported = { $count } بار شکایت کی گئی
queue-open = کھولیں
queue-held = روکا گیا: ممنوعہ لفظ “{ $phrase }” سے ملتا ہے
queue-held-variant = روکا گیا: “{ $variant }” سے ملتا ہے، جو ممنوعہ لفظ “{ $phrase }” کے دوسرے ہجے ہیں
queue-held-how = { $how } لکھا گیا
disguise-hidden_characters = چھپے یا ہم شکل حروف کے ساتھ
disguise-display_order = bidi کنٹرول کے ساتھ (صرف دکھائی گئی ترتیب میں نظر آتا ہے)
disguise-digits = حروف کی جگہ ہندسوں یا علامتوں کے ساتھ
disguise-look_alike = لاطینی حروف کی جگہ اردو حروف کے ساتھ
disguise-spaced = حروف کے بیچ خالی جگہ یا نقطے ڈال کر
disguise-run_together = الفاظ جوڑ کر
disguise-across_boxes = دو خانوں میں بانٹ کر
disguise-spelling = دوسرے ہجے میں
disguise-plural = جمع کی صورت میں
list-older = پرانے
status-new = نیا
status-approved = منظور شدہ
status-featured = نمایاں
status-hidden = چھپایا گیا
status-removed = ہٹا دیا گیا
status-published = شائع شدہ
status-retired = بند
status-draft = مسودہ
photos-title = مہم کی تصاویر
photos-photo = تصویر
photos-status = اسٹیٹس
photos-size = سائز
photos-size-value = { $width } × { $height }
photos-upload = تصویر اپ لوڈ کریں
photos-file = تصویر (JPEG، PNG یا WebP، زیادہ سے زیادہ 20 MB)
photos-title-field = عنوان
photos-alt = متبادل متن (تصویر میں کیا دکھایا گیا ہے)
photos-title-ur-field = اردو میں عنوان (اختیاری؛ اردو صفحات پر یہی دکھایا جاتا ہے)
photos-alt-ur = اردو میں متبادل متن (اختیاری)
photos-hashtags = ہیش ٹیگ، # کے بغیر
photos-upload-submit = اپ لوڈ کریں، پھر متن کے خانے لگائیں
photo-preview-alt = نمونے کے کیپشن کے ساتھ پری ویو
photo-preview-help = نمونے کے کیپشن کے ساتھ پری ویو۔ JavaScript چل رہا ہو تو نیچے چنا گیا خانہ بنانے کے لیے تصویر پر ماؤس یا انگلی سے کھینچیں۔
photo-alt = متبادل متن
photo-hashtags = ہیش ٹیگ
photo-box = خانہ
photo-x = x
photo-y = y
photo-width = چوڑائی
photo-height = اونچائی
photo-box-field = خانہ { $n }: { $field }
photo-boxes-help = تصویر کے تناسب سے 0 سے 1 تک کی کسری قدریں؛ جس قطار میں خانہ نہیں چاہیے اسے خالی چھوڑ دیں۔
photo-save = محفوظ کریں
photo-retire = بند کریں (نئے ریمکس نہیں بنیں گے؛ پرانے لنک چلتے رہیں گے)
photo-publish = شائع کریں
blocklist-title = کیپشن کے ممنوعہ الفاظ
blocklist-help = پورے الفاظ یا جملے، چھوٹے بڑے حروف کی قید کے بغیر، انگریزی، اردو یا رومن اردو میں۔
blocklist-phrase = لفظ یا جملہ
blocklist-block = بلاک کریں
blocklist-remove = ہٹائیں
blocklist-variants = دوسرے ہجے (اختیاری، کاما سے الگ کریں)
blocklist-holds = ممنوعہ لفظ والا کیپشن بن تو جاتا ہے مگر اسٹاف کے فیصلے تک جائزے کی قطار میں رکا رہتا ہے، اس وقت بھی جب ریمکس پہلے شائع ہوتے ہوں اور جائزہ بعد میں؛ قطار بتاتی ہے کہ کس لفظ کی وجہ سے روکا گیا اور وہ کیسے لکھا گیا تھا۔
blocklist-refuses = ممنوعہ لفظ والا کیپشن رد کر دیا جاتا ہے: حامی کو بتایا جاتا ہے کہ کون سا کیپشن بدلنا ہے، اور کچھ نہیں بنتا۔
blocklist-matching = کیپشن ویسے جانچے جاتے ہیں جیسے وہ تصویر پر لکھے جائیں گے: چھپے یا ہم شکل حروف، bidi کنٹرول، حروف کی جگہ ہندسے یا علامتیں (ch0r، l!ar)، بیچ میں خالی جگہ یا نقطے ڈال کر لکھے حروف (c h o r، c.h.o.r)، جڑے ہوئے یا دو خانوں میں بٹے الفاظ، دہرے حروف اور رومن اردو کے دوسرے ہجے (ee/i، oo/u)، w/v، q/k اور جمع (-s، -on، ـوں) سب پکڑے جاتے ہیں۔ اکیلے اعداد (100، 2024) کبھی حروف نہیں سمجھے جاتے۔ باقی ہجے ”دوسرے ہجے“ میں شامل کریں۔
tokens-title = API ٹوکن
tokens-created = آپ کا نیا ٹوکن، جو صرف اسی ایک بار دکھایا جا رہا ہے:
tokens-create = ٹوکن بنائیں
tokens-id = آئی ڈی
tokens-staff = اسٹاف
tokens-state = حالت
tokens-actions = کارروائیاں
tokens-revoked = منسوخ
tokens-live = فعال
tokens-revoke = منسوخ کریں
audit-title = آڈٹ لاگ
audit-when = کب
audit-who = کس نے
audit-what = کیا
audit-item = آئٹم
audit-detail = تفصیل

## Frames: a supporter's own photo under an official frame
home-frames = خود کو فریم میں لائیں
home-frames-note = جلسے کا بیج اور اس کے اندر آپ کی اپنی تصویر، پروفائل تصویر یا اسٹیٹس کے لیے۔
frame-title = { $frame }: فریم میں آپ کی تصویر
frame-description = اپنی تصویر “{ $frame }” ({ $alt }) کے اندر لگائیں اور اسے اپنی پروفائل تصویر یا اسٹیٹس بنائیں۔
frame-stage-label = فریم کے نیچے آپ کی تصویر: اسے انگلی سے کھسکائیں، اور دو انگلیوں یا زوم سے چھوٹا بڑا کریں
frame-how = فریم پر ٹیپ کر کے تصویر چنیں، پھر اسے انگلی سے کھسکا کر جگہ پر لائیں اور دو انگلیوں یا زوم سے چھوٹا بڑا کر کے فریم میں بٹھائیں۔
frame-your-photo = آپ کی تصویر (JPEG، PNG یا WebP)
frame-photo-note = زیادہ سے زیادہ 20 MB۔ آپ کی اپنی تصویر کبھی محفوظ نہیں کی جاتی: صرف تیار شدہ تصویر رکھی جاتی ہے۔
frame-zoom-text = زوم
frame-gallery = اسے عوامی گیلری میں دکھائیں (مہم کے جائزے کے بعد)
frame-privacy = اس خانے پر نشان نہ لگائیں تو آپ کی تصویر کسی فہرست میں نہیں آئے گی: اسے صرف وہی دیکھ سکیں گے جنہیں آپ لنک بھیجیں، اور آپ کو اسے ڈیلیٹ کرنے کا ایک نجی لنک ملے گا۔
frame-submit = تصویر تیار کریں
frame-unreadable = یہ فائل یہاں نہیں دکھائی جا سکتی۔ JPEG، PNG یا WebP تصویر منتخب کریں۔
share-frame-yours = اس فریم میں اپنی تصویر لگائیں
photos-frame = یہ فریم ہے (شفاف حصے والی PNG، 1080 × 1080 یا 1080 × 1920)
photos-kind = قسم
photos-kind-photo = تصویر
photos-kind-frame = فریم
error-photo_missing = پہلے تصویر منتخب کریں۔
error-photo_heic = یہ آئی فون کی HEIC تصویر ہے جو یہاں نہیں پڑھی جا سکتی۔ JPEG، PNG یا WebP منتخب کریں (آئی فون پر: Settings، Camera، Formats، Most Compatible)۔
error-photo_svg = یہ ڈرائنگ (SVG) ہے، تصویر نہیں۔ JPEG، PNG یا WebP منتخب کریں۔
error-photo_polyglot = یہ فائل بیک وقت تصویر بھی ہے اور کچھ اور بھی۔ براہ کرم صرف تصویر بھیجیں۔
error-photo_not_accepted = اس قسم کی فائل یہاں قبول نہیں کی جاتی۔ JPEG، PNG یا WebP تصویر منتخب کریں۔
error-photo_damaged = یہ تصویر خراب ہے یا بھیجتے ہوئے ادھوری رہ گئی۔ براہ کرم دوبارہ بھیجیں۔
error-photo_too_many_pixels = اس تصویر میں بہت زیادہ پکسل ہیں (حد 40 میگا پکسل ہے)۔
error-photo_too_small = یہ تصویر بہت چھوٹی ہے۔
error-photo_too_costly = یہ تصویر اس طرح محفوظ کی گئی ہے کہ اسے یہاں کھولنا بہت بھاری ہے۔ اسے عام JPEG میں محفوظ کر کے یا چھوٹا کر کے دوبارہ بھیجیں۔
error-cross_site = کسی دوسری ویب سائٹ کا صفحہ یہاں نئی تصویر نہیں بنا سکتا۔ تصویر بنانے کے لیے یہی ویب سائٹ کھولیں۔
error-headers_too_large = یہ درخواست بہت بڑی ہے۔ براؤزر کی کوکیز صاف کر کے دوبارہ کوشش کریں۔
error-uri_too_long = یہ لنک بہت لمبا ہے۔
error-bad_crop = تصویر کا یہ حصہ استعمال نہیں ہو سکتا۔ دوبارہ کوشش کریں۔
error-unknown_frame = ایسا کوئی فریم نہیں ہے۔

## Areas: where a supporter is (optional, remembered on their device only)
form-area = آپ کا شہر یا ضلع (اختیاری)
form-area-none = نہیں بتانا
form-area-note = اس سے مہم کو معلوم ہوتا ہے کہ اس کے حامی کہاں ہیں۔ یہ صرف اسی ڈیوائس پر یاد رکھا جاتا ہے۔
error-unknown_area = یہ شہر یا ضلع فہرست میں نہیں ہے۔ براہ کرم کوئی اور منتخب کریں۔
staff-areas = علاقے
areas-title = علاقے
areas-help = وہ شہر اور اضلاع جنہیں حامی اپنا علاقہ بتا سکتے ہیں، اور ان کے اندر کے حلقے، انگریزی اور اردو ناموں کے ساتھ۔ بند کیا گیا علاقہ فہرست میں نہیں دکھایا جاتا؛ جن ریمکس کے ساتھ اس کا نام ہے ان میں وہ برقرار رہتا ہے۔
areas-add = علاقہ شامل کریں
areas-name-en = انگریزی نام
areas-name-ur = اردو نام
areas-id = آئی ڈی (خالی چھوڑیں تو انگریزی نام سے بن جائے گی)
areas-add-submit = شامل کریں
areas-csv = امپورٹ اور ایکسپورٹ
areas-export = تمام علاقے CSV میں ڈاؤن لوڈ کریں
areas-import-file = CSV فائل: id، name_en، name_ur (اور retired، اور حلقے کے لیے parent)، پہلی سطر میں کالموں کے نام
areas-import = امپورٹ کریں (یا تو تمام قطاریں یا کوئی نہیں)
areas-list = تمام علاقے
areas-retired = بند
areas-save = محفوظ کریں
areas-name-en-of = { $id } کا انگریزی نام
areas-name-ur-of = { $id } کا اردو نام
areas-retired-of = { $id } بند
areas-parent = حلقہ ہو تو کس شہر یا ضلع میں
areas-parent-none = کوئی نہیں (یہ خود شہر یا ضلع ہے)
error-bad_rows = کچھ بھی امپورٹ نہیں ہوا: { $rows }

## The reach dashboard
staff-reach = پہنچ
reach-title = پہنچ
reach-privacy = صرف گنتی: کسی حامی کا انٹرنیٹ ایڈریس، کوکی یا براؤزر محفوظ نہیں کیا جاتا۔ پری ویو سے مراد وہ لنک پری ویو ہیں جو Facebook، X، WhatsApp اور دوسری ایپس دکھاتی ہیں۔
reach-what-counts = وزٹ، دیکھی گئی تصاویر، پری ویو، شیئر (ہر نیٹ ورک کے الگ)، کاپی کیے گئے لنک اور ڈاؤن لوڈ میں ہر ریمکس پر روزانہ الگ الگ وزیٹر گنے جاتے ہیں: ایک وزیٹر کسی ریمکس پر جو کچھ بھی کرے، جتنی بار بھی کرے، دن میں ایک ہی بار گنا جاتا ہے، اور لمبی مدت میں ہر دن کی گنتی جمع ہوتی جاتی ہے۔ وزیٹر سے مراد ایک انٹرنیٹ ایڈریس اور ایک براؤزر ہے، اور ایک ایڈریس زیادہ سے زیادہ { $most } بار گنا جاتا ہے (ایک ہی کنکشن استعمال کرنے والے لوگ اس حد تک الگ الگ گنے جاتے ہیں)۔ سرور ایک سے زیادہ ہوں تو ایک وزیٹر ہر سرور پر ایک بار گنا جا سکتا ہے۔ پری ویو ہر کرالر ایڈریس سے دن میں ایک بار گنے جاتے ہیں۔ ریمکس اور ”دوبارہ ریمکس“ میں ہر بنایا گیا ریمکس گنا جاتا ہے۔
reach-period = مدت
reach-days = پچھلے { $days } دن
reach-one-day = پچھلا ایک دن
reach-remixes = ریمکس
reach-page-views = وزٹ
reach-picture-views = دیکھی گئی تصاویر
reach-previews = پری ویو
reach-shares = شیئر
reach-copies = کاپی کیے گئے لنک
reach-downloads = ڈاؤن لوڈ
reach-children = دوبارہ ریمکس
reach-visits = وہاں سے آنے والے وزٹ
reach-seen = کتنی بار دیکھا گیا
reach-by-network = نیٹ ورک کے لحاظ سے
reach-by-template = تصویر یا فریم کے لحاظ سے
reach-by-area = علاقے کے لحاظ سے
reach-by-constituency = حلقے کے لحاظ سے
reach-top-hour = پچھلے ایک گھنٹے میں سب سے زیادہ دیکھے گئے
reach-top-day = پچھلے ایک دن میں سب سے زیادہ دیکھے گئے
reach-top-week = پچھلے ایک ہفتے میں سب سے زیادہ دیکھے گئے
reach-chart-hours = پچھلے 48 گھنٹے، فی گھنٹہ
reach-chart-days = منتخب مدت، فی دن
reach-csv = یہ جدول CSV میں ڈاؤن لوڈ کریں
reach-nothing = ابھی کچھ نہیں۔
reach-no-area = علاقہ نہیں بتایا گیا
reach-one-remix = ایک ریمکس
reach-remix-id = ریمکس آئی ڈی (اس کے لنک میں موجود 16 حروف اور ہندسے)
reach-show = دکھائیں
reach-no-remix = آئی ڈی { $id } والا کوئی ریمکس نہیں ملا۔
reach-descendants = اس سے بنے سارے ریمکس، چاہے کتنی ہی نسلوں بعد
reach-generations = کتنی نسلوں تک
reach-lineage = اس کا شجرہ
reach-generation = نسل { $n }
reach-hashtags = ہیش ٹیگ: ہر تصویر کتنی دور تک پہنچی (وزٹ، پری ویو اور شیئر)
reach-this-period = یہ مدت
reach-period-before = اس سے پہلے کی مدت
reach-change = تبدیلی
reach-new = نیا

## آخری قدم (issue 34): سست نیٹ ورک پر فون۔
error-upload_stalled = تصویر آتے آتے رک گئی: کنکشن ٹوٹ گیا یا ابھی بہت سست ہے۔ دوبارہ بھیجیں۔
share-ready-title = آپ کی تصویر تیار ہے
share-ready-waiting = اس کا لنک ابھی سے کام کرتا ہے، شیئر کریں۔ مہم کی ٹیم منظور کر دے تو یہ گیلری میں بھی آ جائے گی۔
share-ready-in-gallery = یہ گیلری میں بھی آ گئی ہے۔
share-ready-unlisted = یہ گیلری میں نہیں ہے: اسے صرف وہی دیکھ سکیں گے جنہیں آپ لنک بھیجیں گے۔
share-picture = تصویر شیئر کریں
share-picture-story = اسٹیٹس کے لیے شیئر کریں
share-picture-square = پروفائل کے لیے شیئر کریں
frame-pick = اپنی تصویر چنیں
frame-change = دوسری تصویر چنیں
frame-sending = آپ کی تصویر بھیجی جا رہی ہے…
frame-failed = تصویر نہیں پہنچ سکی: نیٹ ورک ٹوٹ گیا۔ آپ کی تصویر، فریم میں اس کی جگہ اور آپ کے الفاظ سب یہیں محفوظ ہیں۔
frame-retry = دوبارہ بھیجیں
gallery-yours-title = آپ کی تصاویر
gallery-yours-note = یہ صرف اسی فون پر یاد رکھی گئی ہیں۔ مہم کی ٹیم منظور کر دے تو یہ گیلری میں آ جاتی ہیں۔
