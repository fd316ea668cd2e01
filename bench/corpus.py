"""Deterministic synthetic corpus: N Persian news articles laid out as an akhbar project.

    python bench/corpus.py N OUT_DIR [--seed 1] [--jobs 2]

writes OUT_DIR/content/<jalali-year>/<slug>.md, a copy of the repository's themes/ and its
site_config.toml with `page_size = 20`, and OUT_DIR/.bench-corpus.json (what was generated, used by
reload_bench.py to reuse a cached corpus). The same N and seed give byte-identical files (whatever
--jobs is, on Python 3.11 as on 3.12).

The text is built from a hand-written vocabulary (below) about roads, housing, railways, ports,
airports and provinces: 300-900 words in 4-12 paragraphs, 2-6 tags drawn from ~200 with a Zipf-like
long tail, 8 sections, Iran's 31 provinces, valid Jalali dates with times over 12 years, unique
news_id, a lead on about half the articles, and the flaws of real copy: Arabic ي/ك in ~30% of the
words of some articles, «می شود» and «پروژه ها» written with a space instead of a zero-width
non-joiner, Latin digits, links, bulleted lists and a `##` heading in some articles.

Also a module: `generate(n, out_dir, seed=1)`. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import time
from bisect import bisect
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = ".bench-corpus.json"
ZWNJ = "\u200c"

# --------------------------------------------------------------------------------------------------
# Vocabulary. "+" stands for the zero-width non-joiner (so the source stays readable); placeholders:
# {P} province, {C}/{C2} cities, {X} a project, {S} an official, {N} a number, {N2} a small one,
# {Q} a percentage, {ID}/{ID2} news numbers (in links).
# --------------------------------------------------------------------------------------------------

# (name, Latin slug, capital)
PROVINCES = (
    ("آذربایجان شرقی", "azarbaijan-sharghi", "تبریز"), ("آذربایجان غربی", "azarbaijan-gharbi", "ارومیه"),
    ("اردبیل", "ardabil", "اردبیل"), ("اصفهان", "isfahan", "اصفهان"), ("البرز", "alborz", "کرج"),
    ("ایلام", "ilam", "ایلام"), ("بوشهر", "bushehr", "بوشهر"), ("تهران", "tehran", "تهران"),
    ("چهارمحال و بختیاری", "chaharmahal", "شهرکرد"), ("خراسان جنوبی", "khorasan-jonubi", "بیرجند"),
    ("خراسان رضوی", "khorasan-razavi", "مشهد"), ("خراسان شمالی", "khorasan-shomali", "بجنورد"),
    ("خوزستان", "khuzestan", "اهواز"), ("زنجان", "zanjan", "زنجان"), ("سمنان", "semnan", "سمنان"),
    ("سیستان و بلوچستان", "sistan", "زاهدان"), ("فارس", "fars", "شیراز"), ("قزوین", "qazvin", "قزوین"),
    ("قم", "qom", "قم"), ("کردستان", "kordestan", "سنندج"), ("کرمان", "kerman", "کرمان"),
    ("کرمانشاه", "kermanshah", "کرمانشاه"), ("کهگیلویه و بویراحمد", "kohgiluyeh", "یاسوج"),
    ("گلستان", "golestan", "گرگان"), ("گیلان", "gilan", "رشت"), ("لرستان", "lorestan", "خرم+آباد"),
    ("مازندران", "mazandaran", "ساری"), ("مرکزی", "markazi", "اراک"), ("هرمزگان", "hormozgan", "بندرعباس"),
    ("همدان", "hamedan", "همدان"), ("یزد", "yazd", "یزد"),
)

EXTRA_CITIES = (
    "کاشان", "ساوه", "بم", "دزفول", "آبادان", "خرمشهر", "انزلی", "آستارا", "چابهار", "قشم", "کیش",
    "مراغه", "ماکو", "نیشابور", "سبزوار", "گناباد", "بروجرد", "ملایر", "پردیس", "پرند", "هشتگرد",
    "سیرجان", "رفسنجان", "میانه", "خوی", "شاهرود", "گرمسار", "پلدختر", "ایرانشهر", "لار", "جهرم",
)

# (name, Latin slug part, sections the topic's news are filed under)
TOPICS = (
    ("road", "rah", ("حمل+ونقل جاده+ای", "استان+ها", "معاونت ساخت")),
    ("housing", "maskan", ("مسکن و شهرسازی", "استان+ها", "اقتصادی")),
    ("rail", "rail", ("ریلی", "حمل+ونقل جاده+ای", "استان+ها")),
    ("air", "havaei", ("هوایی و دریایی", "اقتصادی")),
    ("sea", "bandar", ("هوایی و دریایی", "اقتصادی", "استان+ها")),
    ("safety", "imeni", ("حمل+ونقل جاده+ای", "استان+ها", "اجتماعی")),
)

PROJECTS = {
    "road": (
        "آزادراه تهران–شمال", "آزادراه اصفهان–شیراز", "آزادراه حرم تا حرم", "آزادراه قزوین–رشت",
        "بزرگراه {C}–{C2}", "کنارگذر جنوبی {C}", "تقاطع غیرهمسطح ورودی {C}", "پل ورودی {C}",
        "تونل {C}", "محور روستایی {C}", "چهارخطه کردن محور {C}–{C2}", "راه دسترسی پایانه باری {C}",
        "قطعه دوم بزرگراه {C}–{C2}", "بهسازی محور {C}–{C2}",
    ),
    "housing": (
        "پروژه مسکن ملی {C}", "طرح نهضت ملی مسکن در {C}", "شهرک مسکونی شهید همت {C}",
        "طرح بازآفرینی محله+های هدف {C}", "بافت فرسوده مرکز {C}", "شهر جدید پردیس", "شهر جدید پرند",
        "شهر جدید هشتگرد", "پروژه+های مسکن مهر {C}", "طرح مسکن روستایی استان {P}",
        "مجتمع مسکونی کارکنان دولت در {C}",
    ),
    "rail": (
        "راه+آهن رشت–آستارا", "راه+آهن چابهار–زاهدان", "خط دوم راه+آهن {C}–{C2}",
        "قطار سریع+السیر تهران–قم–اصفهان", "راه+آهن {C}–{C2}", "برقی+سازی راه+آهن تهران–مشهد",
        "ایستگاه راه+آهن {C}", "قطار حومه+ای {C}", "راه+آهن میانه–اردبیل", "راه+آهن کرمانشاه–خسروی",
    ),
    "air": (
        "پایانه مسافری فرودگاه {C}", "باند پرواز فرودگاه {C}", "فرودگاه بین+المللی امام خمینی",
        "برج مراقبت پرواز فرودگاه {C}", "پایانه سلام فرودگاه امام", "فرودگاه {C}",
    ),
    "sea": (
        "بندر شهید رجایی", "بندر چابهار", "اسکله شماره دو بندر {C}", "بندر امیرآباد",
        "موج+شکن بندر {C}", "پایانه مسافری دریایی {C}", "بندر خشک {C}",
    ),
    "safety": (
        "ایمن+سازی محور {C}–{C2}", "طرح زمستانی راهداری استان {P}", "نقاط حادثه+خیز محور {C}–{C2}",
        "روشنایی محور {C}–{C2}", "سامانه ثبت تخلفات محور {C}", "پل+های آسیب+دیده از سیل در {P}",
    ),
}

SPEAKERS = (
    "مدیرکل راه و شهرسازی استان {P}", "معاون وزیر راه و شهرسازی", "وزیر راه و شهرسازی",
    "مدیرعامل شرکت راه+آهن جمهوری اسلامی ایران", "مدیرعامل شرکت ساخت و توسعه زیربناهای حمل+ونقل کشور",
    "رئیس سازمان راهداری و حمل+ونقل جاده+ای", "مدیرکل راهداری و حمل+ونقل جاده+ای استان {P}",
    "معاون مسکن و ساختمان وزارت راه و شهرسازی", "مدیرعامل شرکت عمران شهرهای جدید",
    "مدیرعامل سازمان ملی زمین و مسکن", "مدیرکل بنیاد مسکن انقلاب اسلامی استان {P}",
    "رئیس سازمان هواپیمایی کشوری", "مدیرعامل سازمان بنادر و دریانوردی", "مدیرکل فرودگاه+های استان {P}",
    "استاندار {P}", "معاون عمرانی استاندار {P}", "مجری طرح", "این مقام مسئول", "وی",
    "سخنگوی وزارت راه و شهرسازی", "مدیر روابط عمومی اداره کل راه و شهرسازی استان {P}",
    "نماینده مردم {C} در مجلس شورای اسلامی", "فرماندار {C}", "شهردار {C}",
)

SPEECH = (
    "گفت:", "اظهار کرد:", "افزود:", "خبر داد و گفت:", "در جمع خبرنگاران گفت:", "تصریح کرد:",
    "یادآور شد:", "اعلام کرد:", "با بیان اینکه پیشرفت کار رضایت+بخش است، گفت:", "در ادامه افزود:",
    "در بازدید از کارگاه طرح گفت:", "با اشاره به مشکلات اعتباری طرح گفت:",
)

OPENERS = (
    "به گزارش روابط عمومی اداره کل راه و شهرسازی استان {P}،", "به گزارش پایگاه اطلاع+رسانی وزارت راه و شهرسازی،",
    "به گزارش خبرنگار ما،", "بر اساس اعلام معاونت ساخت و توسعه راه+ها،", "به گفته مسئولان استانی،",
    "بنا بر اعلام ستاد مدیریت بحران استان {P}،", "در نشستی که با حضور مدیران استانی برگزار شد،",
    "در حاشیه بازدید از کارگاه+های طرح،", "همچنین", "از سوی دیگر،", "در همین حال،", "بر پایه آمارهای رسمی،",
    "بنا بر این گزارش،", "پیش از این نیز", "در سال+های گذشته",
)

CLAUSES = {  # "any" fits every topic; a sentence takes a clause of its article's topic about half the time
    "any": (
        "عملیات اجرایی {X} با {Q} درصد پیشرفت فیزیکی ادامه دارد",
        "اعتبار مورد نیاز {X} {N} میلیارد تومان برآورد شده است",
        "برای تکمیل {X} {N} میلیارد ریال اعتبار از محل منابع ملی اختصاص یافت",
        "{X} تا پایان سال جاری به بهره+برداری می+رسد",
        "پروژه+های نیمه+تمام استان {P} با اولویت تکمیل می+شوند",
        "پیمانکاران طرح موظف شده+اند کار را در سه نوبت کاری ادامه دهند",
        "در این مدت بیش از {N} نفر به طور مستقیم در کارگاه+های {X} مشغول به کار بوده+اند",
        "بخشی از منابع این طرح از محل اوراق مشارکت و تهاتر نفت تأمین شده است",
        "سرمایه+گذاران بخش خصوصی می+توانند در ساخت {X} مشارکت کنند",
        "مطالعات مرحله دوم {X} به پایان رسیده و مناقصه آن به زودی برگزار می+شود",
        "مشکلات قراردادی پیمانکار {X} با پیگیری وزارتخانه حل شده است",
        "سهم استان {P} از اعتبارات عمرانی امسال {Q} درصد بیشتر از سال گذشته است",
        "قرارداد ساخت {X} با حضور {S} امضا شد",
        "{X} یکی از طرح+های اولویت+دار دولت در استان {P} به شمار می+رود",
        "جلسات هفتگی پیگیری {X} با حضور پیمانکار و مشاور برگزار می+شود",
        "بیش از {Q} درصد مصالح مورد نیاز {X} از تولیدکنندگان داخلی تأمین می+شود",
        "کیفیت اجرای کار با نظارت دقیق آزمایشگاه فنی و مکانیک خاک کنترل می+شود",
        "صورت+وضعیت+های معوق پیمانکاران {X} پرداخت شد",
    ),
    "road": (
        "تاکنون {N} کیلومتر از {X} زیر بار ترافیک رفته است",
        "با تکمیل {X} زمان سفر میان {C} و {C2} حدود {N} دقیقه کاهش می+یابد",
        "روکش آسفالت {N} کیلومتر از راه+های اصلی و فرعی استان انجام شد",
        "عملیات خاک+برداری و ابنیه فنی {X} به {Q} درصد رسیده است",
        "احداث کنارگذر {C} بار ترافیکی مرکز شهر را به میزان قابل توجهی کاهش می+دهد",
        "مشکل تأمین قیر و مصالح ساختمانی با همکاری استانداری برطرف شد",
        "ساکنان روستاهای مسیر از اجرای این طرح استقبال کرده+اند",
        "تردد خودروها در محور {C}–{C2} نسبت به سال گذشته {Q} درصد افزایش داشته است",
        "عرشه پل اصلی {X} با استفاده از تیرهای پیش+ساخته بتنی اجرا می+شود",
    ),
    "housing": (
        "ساخت {N} واحد مسکونی در قالب نهضت ملی مسکن در {C} آغاز شده است",
        "تاکنون {N} هزار متقاضی در سامانه ثبت+نام کرده+اند و پرونده+های آنان در حال بررسی است",
        "زمین مورد نیاز برای احداث {N} واحد مسکونی در {C} تأمین شده است",
        "طرح بازآفرینی شهری در {N} محله هدف استان {P} در حال اجراست",
        "پرونده+های {N} متقاضی برای دریافت تسهیلات به بانک+های عامل ارسال شد",
        "نرخ سود تسهیلات ساخت مسکن برای دهک+های پایین درآمدی کاهش یافته است",
        "ساختمان+های دولتی باید مقررات ملی ساختمان را به طور کامل رعایت کنند",
        "{N} هکتار زمین برای اجرای طرح+های مسکن در {C} واگذار شده است",
        "متقاضیان واجد شرایط تا پایان ماه فرصت دارند مدارک خود را بارگذاری کنند",
        "آماده+سازی زمین و اجرای شبکه آب و برق {X} همزمان با ساخت واحدها پیش می+رود",
    ),
    "rail": (
        "ظرفیت جابه+جایی بار در محور {C}–{C2} به {N} هزار تن در سال می+رسد",
        "قطار مسافری {C}–{C2} از هفته آینده روزانه {N2} سفر رفت و برگشت انجام می+دهد",
        "عملیات ریل+گذاری {X} تا کیلومتر {N} پیش رفته است",
        "حمل ترانزیتی کالا از مسیر کریدور شمال–جنوب رو به افزایش است",
        "{N} دستگاه واگن مسافری نوسازی+شده به ناوگان ریلی کشور اضافه شد",
        "سرعت سیر قطارها در این مسیر به {N} کیلومتر در ساعت می+رسد",
        "ساخت ایستگاه+های بین راهی {X} با مشارکت بخش خصوصی انجام می+شود",
    ),
    "air": (
        "فرودگاه {C} پس از نوسازی باند پرواز آماده پذیرش هواپیماهای پهن+پیکر است",
        "تعداد پروازهای فرودگاه {C} در {N2} ماه نخست سال {Q} درصد رشد داشته است",
        "ساخت پایانه جدید مسافری {C} با زیربنای {N} هزار متر مربع آغاز شد",
        "ظرفیت پایانه به {N2} میلیون مسافر در سال افزایش می+یابد",
        "سامانه ناوبری هوایی فرودگاه {C} با دانش متخصصان داخلی نوسازی شد",
    ),
    "sea": (
        "کشتی+های تجاری پس از لایروبی کانال ورودی می+توانند در بندر پهلو بگیرند",
        "حمل ترانزیتی کالا از مسیر کریدور شمال–جنوب رو به افزایش است",
        "ظرفیت تخلیه و بارگیری بندر {C} به {N2} میلیون تن در سال رسید",
        "لایروبی حوضچه بندر با برداشت {N} هزار متر مکعب رسوب به پایان رسید",
        "پایانه مسافری دریایی {C} در ایام نوروز میزبان {N} هزار مسافر بود",
    ),
    "safety": (
        "{N} دستگاه ماشین+آلات راهداری در محورهای استان مستقر شده+اند",
        "{N} نقطه حادثه+خیز در محورهای استان {P} ایمن+سازی شد",
        "ناوگان باری استان با {N} دستگاه کامیون جدید نوسازی می+شود",
        "ایمنی کاربران جاده مهم+ترین اولویت این اداره کل است",
        "راهداران استان در زمستان گذشته {N} کیلومتر از راه+ها را برف+روبی کردند",
        "پل+های تخریب+شده در سیلاب اخیر با اولویت بازسازی می+شوند",
        "سامانه+های هوشمند ثبت تخلفات در {N} نقطه از محورهای استان نصب شده است",
        "در طرح نوروزی امسال بیش از {N} هزار مسافر با ناوگان عمومی جابه+جا شدند",
        "بازدیدهای ممیزی ایمنی از {N} کیلومتر راه روستایی انجام گرفت",
        "نصب {N} تابلو و علائم ایمنی در گردنه+های استان به پایان رسید",
        "ایستگاه+های راهداری در {N} نقطه از محورهای کوهستانی استان آماده خدمت+رسانی هستند",
        "سفرهای جاده+ای در تعطیلات اخیر نسبت به مدت مشابه سال قبل {Q} درصد بیشتر بود",
        "تأمین ایمنی عابران پیاده در ورودی شهرها در دستور کار قرار دارد",
    ),
}

CONNECTORS = ("و", "؛ همچنین", "؛ اما", "و از سوی دیگر", "، ضمن آنکه", "؛ به همین دلیل", "؛ در عین حال", "و همزمان")

TITLES = {
    "any": (
        "پیشرفت {Q} درصدی {X}", "آغاز عملیات اجرایی {X}", "بهره+برداری از {X} تا پایان سال",
        "تخصیص {N} میلیارد تومان اعتبار به {X}", "بازدید {S} از {X}", "تکمیل مطالعات {X}",
        "امضای قرارداد ساخت {X}", "رفع مشکلات اعتباری {X}",
    ),
    "road": ("افتتاح {N} کیلومتر از {X}", "{X} زیر بار ترافیک رفت", "کاهش زمان سفر با تکمیل {X}"),
    "housing": (
        "ساخت {N} واحد مسکونی نهضت ملی مسکن در {C}", "برگزاری نشست شورای مسکن استان {P}",
        "واگذاری {N} هکتار زمین برای مسکن در {C}",
    ),
    "rail": ("تردد قطار مسافری {C}–{C2} از سر گرفته شد", "{X} به ایستگاه پایانی رسید"),
    "air": ("رشد {Q} درصدی پروازهای فرودگاه {C}", "نوسازی ناوبری هوایی فرودگاه {C}"),
    "sea": ("افزایش ظرفیت تخلیه و بارگیری بندر {C}", "پهلوگیری کشتی+های بزرگ در {X}"),
    "safety": (
        "ایمن+سازی {N} نقطه حادثه+خیز در استان {P}", "آمادگی راهداران {P} برای طرح زمستانی",
        "نوسازی ناوگان باری استان {P}", "بازسازی پل+های آسیب+دیده از سیل در {P}",
        "کاهش {Q} درصدی تصادفات در محورهای استان {P}",
    ),
}

LEADS = (
    "{S} از پیشرفت {Q} درصدی {X} خبر داد.",
    "{S} گفت {X} تا پایان سال جاری به بهره+برداری می+رسد.",
    "{S} با اشاره به تأمین اعتبار {X} گفت کار در سه نوبت ادامه دارد.",
    "{S} از ساخت {N} واحد مسکونی در {C} خبر داد.",
    "{S} گفت {N} نقطه حادثه+خیز محورهای استان {P} امسال ایمن+سازی می+شود.",
    "با تکمیل {X} زمان سفر میان {C} و {C2} کوتاه+تر می+شود.",
)

HEADINGS = (
    "جزئیات طرح", "تأمین مالی و زمان بهره+برداری", "وضعیت پیشرفت کار", "برنامه+های آینده",
    "ایمنی و نگهداری راه+ها", "سهم بخش خصوصی", "مشکلات پیمانکاران", "آمار و ارقام",
    "نظر مسئولان محلی", "{X} در یک نگاه",
)

LIST_INTROS = (
    "مهم+ترین اقدامات انجام+شده در این مدت عبارت است از:", "برنامه+های امسال این اداره کل شامل موارد زیر است:",
    "به گفته وی، اولویت+های طرح به این شرح است:",
)

LIST_ITEMS = (
    "احداث {N} کیلومتر راه روستایی", "روکش آسفالت {N} کیلومتر از محورهای اصلی", "ساخت {N} دستگاه پل",
    "نصب {N} تابلو و علائم ایمنی", "تکمیل {N} واحد مسکونی", "تأمین {N} هکتار زمین",
    "خرید {N} دستگاه ماشین+آلات راهداری", "برف+روبی {N} کیلومتر از راه+ها", "بهسازی {N} ایستگاه راهداری",
    "نوسازی {N} دستگاه واگن مسافری", "لایروبی {N} هزار متر مکعب از حوضچه بندر", "ایمن+سازی {N} تقاطع",
)

LINKS = (
    "شرح کامل این طرح در [پایگاه اطلاع+رسانی وزارت راه و شهرسازی](https://www.mrud.ir/news/{ID}) منتشر شده است.",
    "متقاضیان برای ثبت+نام می+توانند به نشانی https://saman.mrud.ir مراجعه کنند.",
    "آخرین وضعیت راه+های کشور در [سامانه ۱۴۱](https://141.ir) و نشانی www.rmto.ir در دسترس است.",
    "گزارش تصویری این بازدید را [اینجا](https://www.mrud.ir/gallery/{ID}) ببینید.",
    "پیش از این، [خبر آغاز عملیات اجرایی این طرح](https://www.mrud.ir/news/{ID2}) منتشر شده بود.",
)

# Tags, most used first: the Zipf-like weights follow this order.
TAGS = (
    "راه+سازی", "مسکن ملی", "راه+آهن", "راهداری", "استان+ها", "آزادراه", "نهضت ملی مسکن", "سرمایه+گذاری",
    "حمل+ونقل جاده+ای", "ایمنی راه+ها", "بازآفرینی شهری", "فرودگاه", "بندر", "افتتاح", "راهداری زمستانی",
    "پل+سازی", "بزرگراه", "تونل", "قطار مسافری", "ناوگان باری", "طرح نوروزی", "بافت فرسوده", "مسکن مهر",
    "بودجه", "روابط عمومی", "نقاط حادثه+خیز", "راه روستایی", "شهر جدید", "مسکن روستایی", "ترانزیت",
    "کریدور شمال–جنوب", "قطار باری", "حمل+ونقل عمومی", "روکش آسفالت", "هواپیمایی", "کشتیرانی",
    "پایانه مسافربری", "سفر استانی", "کلنگ+زنی", "تسهیلات بانکی", "اجاره+بها", "بازار مسکن", "زمین",
    "سیل", "مدیریت بحران", "بازسازی", "قرارگاه سازندگی", "مشارکت بخش خصوصی", "اوراق مشارکت", "تهاتر",
    "اعتبارات استانی", "هفته دولت", "دهه فجر", "پروژه+های نیمه+تمام", "قطار سریع+السیر", "برقی+سازی",
    "خط دوم", "لکوموتیو", "واگن", "ایستگاه راه+آهن", "قطار حومه+ای", "کریدور شرق–غرب", "حمل+ونقل ترکیبی",
    "بندر چابهار", "بندر شهید رجایی", "دریانوردی", "فرودگاه امام خمینی", "پرواز", "ناوگان هوایی",
    "ایمنی پرواز", "سفرهای نوروزی", "زلزله", "دولت الکترونیک", "سامانه+های هوشمند", "حمل+ونقل هوشمند",
    "قانون", "مجلس", "محیط زیست", "انرژی", "اشتغال", "آموزش", "پژوهش", "ژئوتکنیک", "ترافیک", "تصادفات",
    "پلیس راه", "تعمیر و نگهداری", "ممیزی ایمنی", "طرح جامع", "طرح تفصیلی", "مقررات ملی ساختمان",
    "نظام مهندسی", "مصالح ساختمانی", "ساختمان", "پیش+فروش", "عوارض آزادراهی", "ناوگان مسافری",
    "سکونتگاه+های غیررسمی", "طرح اقدام ملی مسکن", "شهر جدید پردیس", "شهر جدید پرند", "شهر جدید هشتگرد",
    "آزادراه تهران–شمال", "آزادراه اصفهان–شیراز", "آزادراه حرم تا حرم", "آزادراه قزوین–رشت",
    "راه+آهن رشت–آستارا", "راه+آهن چابهار–زاهدان", "راه+آهن میانه–اردبیل", "راه+آهن کرمانشاه–خسروی",
    "برقی+سازی تهران–مشهد", "قطار تهران–قم–اصفهان", "بندر امیرآباد", "پایانه سلام", "برج مراقبت",
    "موج+شکن", "بندر خشک", "کنارگذر", "تقاطع غیرهمسطح", "چهارخطه کردن", "برف+روبی", "قیر",
    "مناقصه", "پیمانکاران", "مشاور", "حریم راه", "تابلوهای ایمنی", "گردنه", "جاده چالوس", "محور هراز",
    "محور فیروزکوه", "راهداران", "ناوگان ریلی", "پایانه باری", "سامانه املاک و اسکان", "سامانه سماس",
    "بیمه", "کریدور",
)
TAG_CITIES = (
    "تبریز", "مشهد", "شیراز", "اهواز", "اصفهان", "کرج", "قم", "رشت", "ارومیه", "کرمانشاه", "زاهدان",
    "همدان", "یزد", "اراک", "بندرعباس", "ساری", "گرگان", "سنندج", "زنجان", "قزوین", "چابهار", "کیش",
    "دزفول", "بروجرد", "کاشان", "نیشابور", "سبزوار", "خرمشهر", "آبادان", "بم", "جهرم", "سیرجان",
    "شاهرود", "میانه", "خوی", "بیرجند", "بجنورد", "یاسوج", "شهرکرد", "ایلام",
)
DIGITS_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_YK = str.maketrans("یک", "يك")
JALALI_YEARS = tuple(range(1392, 1404))  # twelve years
ZIPF_S, ZIPF_Q = 2.5, 8  # Zipf-Mandelbrot weight 1/(rank+q)^s: at 10,000 articles ~10 tags on 1,500-5,000
# articles, the median tag on ~15, a quarter of them on 5 or fewer


def _z(text: str) -> str:
    return text.replace("+", ZWNJ)


def _vocab() -> dict[str, tuple[str, ...]]:
    """Every list above with its "+" turned into ZWNJ (once, at import)."""
    names = ("SPEAKERS", "SPEECH", "OPENERS", "CONNECTORS", "LEADS", "HEADINGS",
             "LIST_INTROS", "LIST_ITEMS", "LINKS", "EXTRA_CITIES")
    out = {name: tuple(_z(s) for s in globals()[name]) for name in names}
    for name in ("PROJECTS", "CLAUSES", "TITLES"):
        out[name] = {k: tuple(_z(s) for s in v) for k, v in globals()[name].items()}
    # most used first; a city that is also a province's name is one tag
    out["TAGS"] = tuple(dict.fromkeys([_z(t) for t in TAGS] + [_z(c) for c in PROVINCES_TAGS] + list(TAG_CITIES)))
    return out


PROVINCES_TAGS = tuple(p[0] for p in PROVINCES)
V = _vocab()
ALL_TAGS: tuple[str, ...] = V["TAGS"]
TAG_CUM = tuple(accumulate(1.0 / ((rank + ZIPF_Q) ** ZIPF_S) for rank in range(1, len(ALL_TAGS) + 1)))
SECTIONS = tuple(dict.fromkeys(_z(s) for _, _, secs in TOPICS for s in secs))
CITIES = tuple(_z(p[2]) for p in PROVINCES) + V["EXTRA_CITIES"]
PORTS = ("بوشهر", "چابهار", "انزلی", "آستارا", "قشم", "کیش", "خرمشهر", "آبادان", "نوشهر", "امام خمینی",
         "امیرآباد", "لنگه", "دیلم", "جاسک")  # as in «بندر …»


# --------------------------------------------------------------------------------------------------
# One article
# --------------------------------------------------------------------------------------------------

class _Article:
    """Everything drawn for one article from its own RNG, so articles can be generated in any order."""

    def __init__(self, rng: random.Random, news_id: int, date: tuple[int, int, int, int, int]) -> None:
        self.rng = rng
        self.news_id = news_id
        self.date = date
        self.topic, self.topic_slug, sections = TOPICS[int(rng.random() * len(TOPICS))]
        self.section = _z(sections[int(rng.random() * len(sections))])
        pi = int(rng.random() * len(PROVINCES))
        self.province, self.province_slug, capital = PROVINCES[pi]
        self.capital = _z(capital)
        self.cities = CITIES
        if self.topic == "sea":
            self.cities = PORTS
            self.capital = _pick(rng, PORTS)
        self.projects = V["PROJECTS"][self.topic]
        self.clauses = V["CLAUSES"][self.topic]
        self.titles = V["TITLES"][self.topic] + V["TITLES"]["any"]
        # The article's flaws (as editors send them)
        self.latin_digits = rng.random() < 0.45
        self.spaced_zwnj = rng.random() < 0.35  # «می شود», «پروژه ها»
        self.arabic_yk = rng.random() < 0.12  # Arabic ي/ك in ~30% of the words

    # Filling placeholders
    def num(self, lo: int = 2, hi: int = 400) -> str:
        r = self.rng.random()
        n = lo + int(r * (hi - lo))
        text = f"{n}.5" if r * 1000 % 10 < 0.7 else str(n)
        return text if self.latin_digits else text.translate(DIGITS_FA).replace(".", "٫")

    def city(self) -> str:
        rng = self.rng
        return self.capital if rng.random() < 0.5 else _pick(rng, self.cities)

    def fill(self, template: str) -> str:
        rng = self.rng
        while "{X}" in template:  # a project may bring {C}, {C2}, {P} of its own
            template = template.replace("{X}", _pick(rng, self.projects), 1)
        while "{S}" in template:
            template = template.replace("{S}", _pick(rng, V["SPEAKERS"]), 1)
        if "{" not in template:
            return template
        c = self.city()  # one city (and one other) per sentence, so "{C}–{C2}" stays a route
        c2 = _pick(rng, self.cities)
        if c2 == c:
            c2 = self.cities[(self.cities.index(c2) + 1) % len(self.cities)]
        template = template.replace("{P}", self.province).replace("{C}", c).replace("{C2}", c2)
        while "{N}" in template:
            template = template.replace("{N}", self.num(), 1)
        while "{Q}" in template:  # a percentage
            template = template.replace("{Q}", self.num(3, 97), 1)
        while "{N2}" in template:
            template = template.replace("{N2}", self.num(2, 12), 1)
        if "{ID" in template:
            template = template.replace("{ID2}", str(self.news_id - 1 - int(rng.random() * 900)))
            template = template.replace("{ID}", str(self.news_id))
        return template

    # Building blocks
    def words(self, text: str) -> int:
        """Words as a reader (or `str.split`) counts them in the file: «می‌شود» written «می شود» is two."""
        return text.count(" ") + 1 + (text.count(ZWNJ) if self.spaced_zwnj else 0)

    def clause(self) -> str:
        return _pick(self.rng, self.clauses if self.rng.random() < 0.55 else V["CLAUSES"]["any"])

    def sentence(self) -> str:
        rng = self.rng
        r = rng.random()
        parts = []
        if r < 0.3:
            parts.append(_pick(rng, V["OPENERS"]))
        if r < 0.15 or 0.3 <= r < 0.7:
            parts.append(_pick(rng, V["SPEAKERS"]))
            parts.append(_pick(rng, V["SPEECH"]))
        parts.append(self.clause())
        if rng.random() < 0.45:
            parts.append(_pick(rng, V["CONNECTORS"]))
            parts.append(self.clause())
        text = self.fill(" ".join(parts)).replace(" ،", "،").replace(" ؛", "؛")
        return text + "."

    def paragraph(self, words: int) -> tuple[str, int]:
        """Sentences until the paragraph is as close to `words` words as whole sentences get."""
        out, count = [], 0
        while True:
            s = self.sentence()
            n = self.words(s)
            if out and count + n // 2 > words:
                return " ".join(out), count
            out.append(s)
            count += n

    def body(self) -> str:
        rng = self.rng
        total = 320 + int(rng.random() * 561)  # words, with lists, links and headings: lands within 300-900
        paras = 4 + int(rng.random() * 9)
        link = self.fill(_pick(rng, V["LINKS"])) if rng.random() < 0.3 else None
        items = None
        if rng.random() < 0.25:
            items = [f"- {self.fill(_pick(rng, V['LIST_ITEMS']))}" for _ in range(3 + int(rng.random() * 4))]
            items.insert(0, self.fill(_pick(rng, V["LIST_INTROS"])) + "\n")
        heading = "## " + self.fill(_pick(rng, V["HEADINGS"])) if rng.random() < 0.3 else None
        extra = sum(self.words(x) for x in (link, heading, *(items or ())) if x)
        shares = [0.7 + 0.6 * rng.random() for _ in range(paras)]
        budget, left = total - extra, math.fsum(shares)  # not sum(): Python 3.12 changed how sum() rounds floats
        blocks = []
        for share in shares:  # what one paragraph misses or overshoots, the next ones make up
            block, used = self.paragraph(int(budget * share / left))
            blocks.append(block)
            budget, left = budget - used, left - share
        if link:  # at the end of some paragraph
            i = int(rng.random() * paras)
            blocks[i] += " " + link
        if items:  # a bulleted list after some paragraph
            blocks.insert(1 + int(rng.random() * (paras - 1)), "\n".join(items))
        if heading:  # before a later paragraph
            blocks.insert(2 + int(rng.random() * (len(blocks) - 2)), heading)
        text = "\n\n".join(blocks)
        if self.spaced_zwnj:
            text = text.replace(ZWNJ, " ")
        if self.arabic_yk:
            rnd = rng.random
            text = " ".join(w.translate(ARABIC_YK) if rnd() < 0.3 else w for w in text.split(" "))
        return self._clamp(text)

    def _clamp(self, text: str) -> str:
        """Keep the body within 300-900 words as `str.split` counts them (rarely needed: the budget above
        lands within a sentence of its target). Only the rare outlier changes, so its RNG draws do too."""
        words = len(text.split())
        while words > 900:  # drop the last sentence of the longest prose paragraph
            blocks = text.split("\n\n")
            i = max((k for k, b in enumerate(blocks) if not b.startswith("## ") and "\n- " not in b),
                    key=lambda k: len(blocks[k]))
            head, sep, _ = blocks[i].rstrip(".").rpartition(". ")
            if not sep:
                break
            blocks[i] = head + "."
            text = "\n\n".join(blocks)
            words = len(text.split())
        while words < 300:
            extra = self.sentence()
            text += " " + (extra.replace(ZWNJ, " ") if self.spaced_zwnj else extra)
            words = len(text.split())
        return text

    def tags(self) -> list[str]:
        rng = self.rng
        k = 2 + int(rng.random() * 5)
        chosen: list[str] = []
        top = TAG_CUM[-1]
        while len(chosen) < k:
            tag = ALL_TAGS[bisect(TAG_CUM, rng.random() * top)]
            if tag not in chosen:
                chosen.append(tag)
        if self.spaced_zwnj:
            chosen = [t.replace(ZWNJ, " ") for t in chosen]  # «راه سازی»: one tag with «راه‌سازی» in the site
        if self.arabic_yk and rng.random() < 0.5:
            chosen = [t.translate(ARABIC_YK) for t in chosen]
        return chosen

    def render(self) -> tuple[str, str]:
        """(relative path, file text)."""
        rng = self.rng
        title = self.fill(_pick(rng, self.titles))
        body = self.body()
        y, m, d, hh, mm = self.date
        lines = [
            "---",
            f'title: "{title}"',
            f"date: {y}-{m:02}-{d:02} {hh:02}:{mm:02}",
            f"tags: [{', '.join(self.tags())}]",
            f"section: {self.section}",
            f"province: {self.province}",
            f"news_id: {self.news_id}",
        ]
        if rng.random() < 0.5:
            lines.append(f'lead: "{self.fill(_pick(rng, V["LEADS"]))}"')
        lines.append("---")
        text = "\n".join(lines) + "\n\n" + body + "\n"
        if self.spaced_zwnj:
            text = text.replace(ZWNJ, " ")
        slug = f"{self.topic_slug}-{self.province_slug}-{self.news_id}"
        return f"{y}/{slug}.md", text


def sentence(seed: int) -> str:
    """One new sentence in the corpus's style (as editors write it, with ZWNJs); a different one per seed."""
    return _Article(random.Random(seed), 40000, (1400, 1, 1, 8, 0)).sentence()


def _pick(rng: random.Random, seq: tuple[str, ...]) -> str:
    return seq[int(rng.random() * len(seq))]


# --------------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------------

def _plan(n: int, seed: int) -> list[tuple[int, int, tuple[int, int, int, int, int]]]:
    """(article seed, news_id, Jalali date) for every article; news_id grows with the date."""
    rng = random.Random(seed)
    drawn = []
    for _ in range(n):
        y = JALALI_YEARS[int(rng.random() * len(JALALI_YEARS))]
        m = 1 + int(rng.random() * 12)
        days = 31 if m <= 6 else 30 if m <= 11 else 29  # 29 Esfand exists every year
        d = 1 + int(rng.random() * days)
        hh, mm = 7 + int(rng.random() * 15), int(rng.random() * 60)
        drawn.append(((y, m, d, hh, mm), rng.getrandbits(63)))
    order = sorted(range(n), key=lambda i: drawn[i][0])
    ids = [0] * n
    for rank, i in enumerate(order):
        ids[i] = 40000 + rank
    return [(drawn[i][1], ids[i], drawn[i][0]) for i in range(n)]


def _write_chunk(args: tuple[str, list[tuple[int, int, tuple[int, int, int, int, int]]]]) -> int:
    content, plan = args
    root = Path(content)
    made: set[str] = set()
    written = 0
    for art_seed, news_id, date in plan:
        rel, text = _Article(random.Random(art_seed), news_id, date).render()
        folder = rel.split("/", 1)[0]
        if folder not in made:
            (root / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        with open(root / rel, "wb") as f:
            f.write(text.encode("utf-8"))
        written += 1
    return written


def install_site(out: Path) -> None:
    """(Re)copy the repository's themes/ and site_config.toml (with `page_size = 20`) into a project,
    so a cached corpus is always built with the theme and settings the code under test expects."""
    out = Path(out)
    shutil.rmtree(out / "themes", ignore_errors=True)
    shutil.copytree(REPO / "themes", out / "themes")
    config = (REPO / "site_config.toml").read_text(encoding="utf-8")
    config, subs = re.subn(r"(?m)^page_size\s*=.*$", "page_size = 20", config)
    if not subs:
        config = config.replace("\n[", "\npage_size = 20\n\n[", 1)
    (out / "site_config.toml").write_text(config, encoding="utf-8")
    import tomllib

    words = tomllib.loads(config).get("normalize", {}).get("words")  # a project word list, if configured
    if isinstance(words, str) and (REPO / words).is_file():
        (out / words).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / words, out / words)


# Read once, at import: the digest names the code this process runs, even if the file changes later.
_GENERATOR_DIGEST = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def generator_digest() -> str:
    """Changes whenever this file changes: a cached corpus from another version is regenerated."""
    return _GENERATOR_DIGEST


def read_marker(out_dir: Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(n: int, out_dir: str | os.PathLike, seed: int = 1, jobs: int | None = None) -> dict:
    """Write the project; return what was written (also kept in OUT_DIR/.bench-corpus.json)."""
    start = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and read_marker(out) is None:
        raise SystemExit(f"{out} exists, is not empty and was not made by corpus.py: refusing to write into it")
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).unlink(missing_ok=True)
    for stale in ("content", "output", ".output.new", ".output.old", ".cache", "output-profile"):
        shutil.rmtree(out / stale, ignore_errors=True)
    content = out / "content"
    content.mkdir()

    plan = _plan(n, seed)
    jobs = jobs or min(2, os.cpu_count() or 1)
    size = max(1, -(-n // (jobs * 8)))
    chunks = [(str(content), plan[i : i + size]) for i in range(0, n, size)]
    if jobs > 1 and n >= 2000:
        import multiprocessing as mp

        with mp.get_context("fork" if sys.platform != "win32" else "spawn").Pool(jobs) as pool:
            written = sum(pool.imap_unordered(_write_chunk, chunks))
    else:
        written = sum(map(_write_chunk, chunks))

    install_site(out)

    info = {"articles": written, "seed": seed, "generator": generator_digest()}
    (out / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return {**info, "seconds": round(time.perf_counter() - start, 2)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of articles")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: up to 2)")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be at least 1")
    info = generate(args.n, args.out_dir, args.seed, args.jobs)
    print(f"{info['articles']} articles in {args.out_dir} ({info['seconds']:.1f} s, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
