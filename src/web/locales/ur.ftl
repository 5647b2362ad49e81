### jalsa's interface in Urdu. Every message here has its twin in en.ftl; a test fails
### when one is missing from either file. `$detail` in an error message is the API's own
### English sentence, for the errors whose cause only it can name.

## Every page

site-name = jalsa
page-title = { $title } · jalsa
nav-label = سائٹ
nav-photos = تصاویر
nav-gallery = گیلری
# The link to the other language, written in that language.
switch-language = English
switch-language-label = Read this page in English

## Home

home-title = jalsa · سرکاری تصاویر کا ریمکس بنائیں
home-description = مہم کی سرکاری تصاویر میں سے ایک منتخب کریں، اس پر اردو یا انگریزی میں اپنے الفاظ لکھیں، اور اسے Facebook، X اور WhatsApp پر شیئر کریں۔
home-heading = تصویر منتخب کریں، اپنے الفاظ لکھیں، شیئر کریں
home-featured = نمایاں ریمکس
home-see-gallery = گیلری دیکھیں

## The remix form

form-title = “{ $photo }” کا ریمکس بنائیں
form-description = “{ $photo }” پر اپنے الفاظ لکھیں اور اسے شیئر کریں: { $alt }
form-preview = پیش منظر
form-preview-alt = پیش منظر: { $alt }
form-remixing = آپ کسی دوسرے حامی کے ریمکس کا ریمکس بنا رہے ہیں۔
form-remixing-link = اصل دیکھیں
form-caption = کیپشن { $n }
form-caption-top = کیپشن { $n } (اوپر)
form-caption-bottom = کیپشن { $n } (نیچے)
form-colour = رنگ
form-outline = آؤٹ لائن
form-font = فونٹ
form-submit = میرا ریمکس بنائیں
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

share-description = “{ $photo }” کا ایک ریمکس۔ اپنا ریمکس خود بنائیں۔
# What the X and WhatsApp buttons carry before the link.
share-text = { $title } — jalsa پر ریمکس کیا گیا
share-facebook = Facebook پر شیئر کریں
share-x = X پر پوسٹ کریں
share-whatsapp = WhatsApp پر بھیجیں
share-download = ڈاؤن لوڈ کریں
share-download-square = پروفائل کے لیے ڈاؤن لوڈ کریں
share-download-story = اسٹیٹس کے لیے ڈاؤن لوڈ کریں
share-link = لنک
share-copy = لنک کاپی کریں
share-copied = کاپی ہو گیا
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
gallery-description = مہم کی سرکاری تصاویر کے بہترین ریمکس، جنہیں مہم نے خود منتخب کیا ہے۔
gallery-empty = یہاں ابھی کوئی ریمکس نہیں ہے۔
gallery-make-first = پہلا ریمکس آپ بنائیں۔
gallery-more = مزید ریمکس

## The maker's private delete link

share-made-title = آپ کا نجی حذف لنک
share-made-explain = یہ صرف آپ کو اور صرف ابھی دکھ رہا ہے۔ اسے سنبھال کر رکھیں: اس سے آپ یہ تصویر jalsa سے ہمیشہ کے لیے حذف کر سکتے ہیں۔ جسے آپ یہ دیں گے وہ بھی کر سکے گا۔
share-made-label = نجی حذف لنک
delete-title = یہ تصویر حذف کریں؟
delete-explain = یہ jalsa سے ہمیشہ کے لیے ختم ہو جائے گی: تصویر، اس کی ہر نقل، اور اس کا شیئر کا صفحہ۔ اس کے لنک بتائیں گے کہ اسے حذف کر دیا گیا۔
delete-submit = ہمیشہ کے لیے حذف کریں
deleted-title = حذف ہو گئی
deleted-explain = تصویر اور اس کی ہر نقل jalsa سے ختم ہو گئی ہے۔

## Error pages

error-title-not-found = نہیں ملا
error-title-gone = اب موجود نہیں
error-title-slow-down = ذرا آہستہ
error-title-busy = مصروف
error-title-client = یہ نہیں ہو سکا
error-title-server = کچھ غلط ہو گیا
error-back = تصاویر پر واپس جائیں
error-bad_request = یہ درخواست پڑھی نہیں جا سکی۔
error-method_not_allowed = یہ پتا اس قسم کی درخواست قبول نہیں کرتا۔
error-timeout = درخواست پہنچنے میں بہت دیر لگی۔ براہ کرم دوبارہ کوشش کریں۔
error-bad_json = درخواست کا JSON پڑھا نہیں جا سکا۔
error-bad_form = فارم پڑھا نہیں جا سکا۔ براہ کرم اسے دوبارہ پُر کریں۔
error-bad_query = اس پتے میں ایسے اختیارات ہیں جنہیں یہ صفحہ پڑھ نہیں سکتا۔
error-bad_style = یہ رنگ، آؤٹ لائن یا فونٹ موجود نہیں ہے۔
error-bad_cursor = فہرست کا یہ صفحہ موجود نہیں ہے۔ پہلے صفحے سے دوبارہ شروع کریں۔
error-bad_status = یہ اسٹیٹس موجود نہیں ہے۔
error-bad_upload = اپ لوڈ کی گئی فائل پڑھی نہیں جا سکی: { $detail }
error-bad_photo = یہ فائل ایسی تصویر نہیں جو یہاں قبول کی جاتی ہو: { $detail }
error-photo_too_large = یہ تصویر بہت بڑی ہے: { $detail }
error-invalid_template = اس تصویر کی تفصیلات استعمال نہیں کی جا سکتیں: { $detail }
error-template_exists = اس نام کی تصویر پہلے سے موجود ہے۔
error-invalid = اسے محفوظ نہیں کیا جا سکتا: { $detail }
error-unknown_template = ریمکس کے لیے ایسی کوئی تصویر موجود نہیں۔
error-template_retired = مہم نے یہ تصویر استعمال سے ہٹا دی ہے۔ براہ کرم کوئی اور تصویر منتخب کریں۔
error-unknown_parent = آپ جس ریمکس کا ریمکس بنا رہے ہیں وہ اب موجود نہیں۔
error-caption_blocked = آپ کے کیپشن میں ایسے الفاظ ہیں جن کی یہ مہم اجازت نہیں دیتی۔ براہ کرم یہی بات دوسرے الفاظ میں کہیں۔
error-reason_blocked = آپ کی بتائی گئی وجہ میں ایسے الفاظ ہیں جن کی یہ مہم اجازت نہیں دیتی۔ براہ کرم یہی بات دوسرے الفاظ میں کہیں۔
error-not_found = اس پتے پر کچھ موجود نہیں۔
error-range_not_satisfiable = تصویر کا یہ حصہ موجود نہیں۔
error-deleted = یہ ریمکس بنانے والے نے اسے حذف کر دیا ہے۔
error-picture_lost = یہ تصویر محفوظ جگہ سے غائب ہے اور دوبارہ نہیں بنائی جا سکتی۔
error-picture_deleted = یہی تصویر پہلے بنائی گئی تھی اور بنانے والے نے اسے حذف کر دیا۔ نئی تصویر بنانے کے لیے کوئی کیپشن یا انداز بدلیں۔
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
error-login = یہ نام اور پاس ورڈ آپس میں میل نہیں کھاتے۔

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
queue-empty = کوئی چیز فیصلے کی منتظر نہیں۔
queue-bulk = جن ریمکس پر نشان لگا ہے، ان کے لیے:
queue-approve = منظور کریں
queue-feature = نمایاں کریں
queue-hide = چھپائیں
queue-remove = ہٹائیں
queue-apply = لاگو کریں
queue-reported = { $count } بار شکایت کی گئی
queue-open = کھولیں
queue-held = روکا گیا: ممنوعہ لفظ “{ $phrase }” سے ملتا ہے
queue-held-variant = روکا گیا: “{ $variant }” سے ملتا ہے، جو ممنوعہ لفظ “{ $phrase }” کا ایک ہجا ہے
queue-held-how = لکھا گیا: { $how }
disguise-hidden_characters = چھپے یا ہم شکل حروف کے ساتھ
disguise-display_order = bidi کنٹرول کے ساتھ (صرف دکھائی گئی ترتیب میں نظر آتا ہے)
disguise-digits = حروف کی جگہ ہندسوں یا علامتوں کے ساتھ
disguise-look_alike = لاطینی حروف کی جگہ اردو حروف کے ساتھ
disguise-spaced = حروف الگ الگ کر کے
disguise-run_together = الفاظ جوڑ کر
disguise-across_boxes = دو خانوں میں بانٹ کر
disguise-spelling = دوسرے ہجے میں
disguise-plural = جمع کی صورت میں
list-older = پرانے
status-new = نیا
status-approved = منظور شدہ
status-featured = نمایاں
status-hidden = پوشیدہ
status-removed = ہٹا دیا گیا
status-published = شائع شدہ
status-retired = ریٹائر شدہ
status-draft = مسودہ
photos-title = سرکاری تصاویر
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
photos-hashtags = ہیش ٹیگز، # کے بغیر
photos-upload-submit = اپ لوڈ کریں، پھر متن کے خانے لگائیں
photo-preview-alt = نمونے کے کیپشن کے ساتھ پیش منظر
photo-preview-help = نمونے کے کیپشن کے ساتھ پیش منظر۔ JavaScript فعال ہو تو نیچے منتخب کیا گیا خانہ بنانے کے لیے تصویر پر ڈریگ کریں۔
photo-alt = متبادل متن
photo-hashtags = ہیش ٹیگز
photo-box = خانہ
photo-x = x
photo-y = y
photo-width = چوڑائی
photo-height = اونچائی
photo-box-field = خانہ { $n }: { $field }
photo-boxes-help = تصویر کے تناسب سے 0 سے 1 تک کی کسری قدریں؛ جس قطار میں خانہ نہیں چاہیے اسے خالی چھوڑ دیں۔
photo-save = محفوظ کریں
photo-retire = ریٹائر کریں (نئے ریمکس نہیں بنیں گے؛ لنکس کام کرتے رہیں گے)
photo-publish = شائع کریں
blocklist-title = کیپشن کے ممنوعہ الفاظ
blocklist-help = پورے الفاظ یا جملے، چھوٹے بڑے حروف کی قید کے بغیر، انگریزی، اردو یا رومن اردو میں۔
blocklist-phrase = لفظ یا جملہ
blocklist-block = بلاک کریں
blocklist-remove = ہٹائیں
blocklist-variants = دوسرے ہجے (اختیاری، کاما سے الگ کریں)
blocklist-holds = ممنوعہ لفظ والا کیپشن بن جاتا ہے مگر عملے کے فیصلے تک جائزے کی قطار میں رکا رہتا ہے، پوسٹ ماڈریشن میں بھی؛ قطار بتاتی ہے کہ کس لفظ نے اسے روکا اور وہ کیسے لکھا گیا تھا۔
blocklist-refuses = ممنوعہ لفظ والا کیپشن رد کر دیا جاتا ہے: حامی کو بتایا جاتا ہے کہ کون سا کیپشن بدلنا ہے، اور کچھ نہیں بنتا۔
blocklist-matching = کیپشن ویسے جانچے جاتے ہیں جیسے وہ تصویر پر لکھے جائیں گے: چھپے یا ہم شکل حروف، bidi کنٹرول، حروف کی جگہ ہندسے یا علامتیں (ch0r، l!ar)، الگ الگ لکھے حروف (c h o r، c.h.o.r)، جڑے ہوئے یا دو خانوں میں بٹے الفاظ، دہرے حروف اور رومن اردو کے دوسرے ہجے (ee/i، oo/u)، w/v، q/k اور جمع (-s، -on، ـوں) سب پکڑے جاتے ہیں۔ اکیلے اعداد (100، 2024) کبھی حروف نہیں سمجھے جاتے۔ دوسرے ہجے متبادل کے طور پر شامل کریں۔
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
home-frames-note = سرکاری بیج کے اندر آپ کی اپنی تصویر، پروفائل تصویر یا اسٹیٹس کے لیے۔
frame-title = { $frame }: فریم میں آپ کی تصویر
frame-description = اپنی تصویر “{ $frame }” ({ $alt }) کے اندر لگائیں اور اسے اپنی پروفائل تصویر یا اسٹیٹس بنائیں۔
frame-stage-label = فریم کے نیچے آپ کی تصویر: ہلانے کے لیے ڈریگ کریں، سائز بدلنے کے لیے دو انگلیوں سے یا زوم سے کام لیں
frame-how = تصویر منتخب کریں، پھر اسے ہلانے کے لیے ڈریگ کریں اور فریم میں بٹھانے کے لیے دو انگلیوں سے یا زوم سے سائز بدلیں۔ JavaScript کے بغیر آپ کی تصویر کا درمیانی حصہ لیا جاتا ہے۔
frame-your-photo = آپ کی تصویر (JPEG، PNG یا WebP)
frame-photo-note = زیادہ سے زیادہ 20 MB۔ آپ کی اپنی تصویر کبھی محفوظ نہیں کی جاتی: صرف تیار شدہ تصویر رکھی جاتی ہے۔
frame-zoom-text = زوم
frame-gallery = اسے عوامی گیلری میں دکھائیں (مہم کی جانچ کے بعد)
frame-privacy = اس نشان کے بغیر آپ کی تصویر کہیں فہرست میں نہیں آتی: صرف وہی لوگ دیکھ سکتے ہیں جنہیں آپ لنک بھیجیں، اور آپ کو اسے مٹانے کا ایک نجی لنک ملتا ہے۔
frame-submit = میری تصویر بنائیں
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
areas-help = وہ شہر اور اضلاع جن میں حامی اپنے ہونے کا بتا سکتے ہیں، اور ان کے اندر حلقے، انگریزی اور اردو ناموں کے ساتھ۔ ریٹائر کیا گیا علاقہ اب پیش نہیں کیا جاتا؛ جن ریمکس میں اس کا نام ہے وہ برقرار رہتے ہیں۔
areas-add = علاقہ شامل کریں
areas-name-en = انگریزی نام
areas-name-ur = اردو نام
areas-id = شناخت (خالی چھوڑیں تو انگریزی نام سے بنے گی)
areas-add-submit = شامل کریں
areas-csv = درآمد اور برآمد
areas-export = تمام علاقے CSV میں ڈاؤن لوڈ کریں
areas-import-file = CSV فائل: id، name_en، name_ur (اور retired، اور حلقے کے لیے parent)، پہلی سطر میں عنوانات
areas-import = درآمد کریں (تمام قطاریں یا کوئی نہیں)
areas-list = تمام علاقے
areas-retired = ریٹائر
areas-save = محفوظ کریں
areas-name-en-of = { $id } کا انگریزی نام
areas-name-ur-of = { $id } کا اردو نام
areas-retired-of = { $id } ریٹائر
areas-parent = کس میں (حلقے کے لیے)
areas-parent-none = کوئی نہیں: شہر یا ضلع
error-bad_rows = کچھ بھی درآمد نہیں ہوا: { $rows }

## The reach dashboard
staff-reach = رسائی
reach-title = رسائی
reach-privacy = صرف گنتی: کسی حامی کا پتہ، کوکی یا براؤزر محفوظ نہیں کیا جاتا۔ پیش منظر وہ لنک پیش منظر ہیں جو فیس بک، ایکس، واٹس ایپ اور دوسرے دکھاتے ہیں۔
reach-what-counts = دورے، دیکھی گئی تصاویر، پیش منظر، شیئر (ہر نیٹ ورک پر)، کاپی کیے گئے لنک اور ڈاؤن لوڈ ہر ریمکس پر روزانہ کے منفرد افراد گنتے ہیں: ایک فرد کسی ریمکس پر جو کچھ کرے وہ دن میں ایک بار گنا جاتا ہے، چاہے کتنی ہی بار کرے، اور لمبی مدت میں دنوں کی گنتی جمع ہوتی ہے۔ ایک فرد ایک انٹرنیٹ پتہ اور ایک براؤزر ہے، اور ایک پتہ زیادہ سے زیادہ { $most } بار گنا جاتا ہے (ایک کنکشن پر کئی لوگ اتنے تک الگ گنے جاتے ہیں)۔ کئی سرورز ہوں تو ایک فرد ہر سرور پر ایک بار گنا جا سکتا ہے۔ پیش منظر ہر کرالر پتے سے دن میں ایک بار گنے جاتے ہیں۔ ریمکس اور ”دوبارہ ریمکس“ ہر بنایا گیا ریمکس گنتے ہیں۔
reach-period = مدت
reach-days = پچھلے { $days } دن
reach-one-day = پچھلا ایک دن
reach-remixes = ریمکس
reach-page-views = دورے
reach-picture-views = دیکھی گئی تصاویر
reach-previews = پیش منظر
reach-shares = شیئر
reach-copies = کاپی کیے گئے لنک
reach-downloads = ڈاؤن لوڈ
reach-children = دوبارہ ریمکس
reach-visits = وہاں سے دورے
reach-seen = دیکھا گیا
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
reach-remix-id = ریمکس کی شناخت (اس کے پتے سے 16 حروف اور ہندسے)
reach-show = دکھائیں
reach-no-remix = { $id } نام کا کوئی ریمکس نہیں ہے۔
reach-descendants = اس سے بنے ریمکس، ہر سطح پر
reach-generations = کتنی نسلیں گہرا
reach-lineage = اس کا شجرہ
reach-generation = نسل { $n }
reach-hashtags = ہیش ٹیگز: ہر تصویر کے ہیش ٹیگ کتنی دور تک پہنچے (دورے، پیش منظر اور شیئر)
reach-this-period = یہ مدت
reach-period-before = اس سے پہلے کی مدت
reach-change = تبدیلی
reach-new = نیا
