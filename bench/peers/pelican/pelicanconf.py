# Pelican settings for bench/peers.py: the pages akhbar makes that the benchmark compares (articles at
# news/<slug>/, the home paginated by 20 at page/N/, tag pages paginated by 20, one Atom feed) and no
# others: no category, author, archive or per-tag feed pages, which akhbar's comparable pages lack.
SITENAME = "پایگاه خبری وزارت راه و شهرسازی"
SITESUBTITLE = "آرشیو خبرهای وزارت راه و شهرسازی"
SITEURL = "http://127.0.0.1:8000"
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Tehran"
DEFAULT_LANG = "fa"
DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M"
LOCALE = ["C.UTF-8", "C"]  # the machine's locale must not change the output

ARTICLE_URL = "news/{slug}/"
ARTICLE_SAVE_AS = "news/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
SLUGIFY_USE_UNICODE = True  # Persian tag slugs, as akhbar's (unidecode would make Latin ones that collide)
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
PAGE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags"]

DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"index": None, "tag": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 20
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

STATIC_PATHS = []
# Caches as a Pelican user with a large site turns them on: the rebuild scenarios use them; the cold
# build turns them off on the command line (-e CACHE_CONTENT=false LOAD_CONTENT_CACHE=false).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
