"""Sample campaign: the posts on Facebook, Instagram and X (aggregate exports).

Every figure in a post export is a lifetime total as of the export day, so the same
post exported twice (the two Facebook files) has larger numbers the second time.
"""

from __future__ import annotations

import numpy as np

from pipelines.sample.campaign import REFERENCE
from pipelines.sample.files import SECOND, Writer

FACEBOOK_HEADER = (
    '"Post ID","Page ID","Page name",Title,Description,"Duration (sec)","Publish time",'
    '"Caption type",Permalink,"Is crosspost","Is share","Post type",Languages,"Custom labels",'
    '"Funded content status","Data comment",Date,Views,Reach,"Reactions, Comments and Shares",'
    'Reactions,Comments,Shares,"Total clicks","Other Clicks",'
    '"Matched Audience Targeting Consumption (Photo Click)","Link Clicks",'
    '"Matched Audience Targeting Consumption (Video Click)",'
    '"Negative feedback from users: Hide all","Seconds viewed","Average Seconds viewed",'
    '"Estimated earnings (USD)","Ad CPM (USD)","Ad impressions"'
)
INSTAGRAM_HEADER = (
    '"Post ID","Account ID","Account username","Account name",Description,"Duration (sec)",'
    '"Publish time",Permalink,"Post type","Data comment",Date,Views,Reach,Likes,Shares,Follows,'
    "Comments,Saves"
)
X_HEADER = (
    "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
    "New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,"
    "Permalink Clicks"
)
CAPTIONS = np.array(
    [
        "🕯️ Ce soir, on allume une bougie pour celles et ceux qui cherchent refuge.\n"
        "Rejoignez-nous 👉 lien en commentaire\n#BienvenueAuxRéfugiés",
        "𝐁𝐢𝐞𝐧𝐯𝐞𝐧𝐮𝐞 𝐚𝐮𝐱 𝐫é𝐟𝐮𝐠𝐢é𝐬 ✊\nSignez la pétition « Ouvrons nos portes » : chaque nom compte.",
        "Merci à toutes les personnes venues samedi! 🙏❤️\nPhotos : Geneviève Côté",
        "Welcome means action. 🇨🇦 Join our next webinar on private sponsorship.\n"
        "Inscription / registration: lien dans la bio",
        "📢 Rassemblement ce samedi, 13 h, place Émilie-Gamelin.\nApportez vos pancartes!",
        "Saviez-vous que…? 💡 Le parrainage privé a accueilli des milliers de familles.\nThread 🧵",
        "« On m'a accueillie comme une voisine. » — Amina, arrivée à Québec en 2024 💬",
        "Atelier d'activisme numérique : apprenez à écrire à votre député·e ✍️\n"
        "Places limitées, inscrivez-vous!",
    ]
)
POST_TYPES = np.array(["Photos", "Links", "Videos", "Text"])
YEAR_START = np.datetime64("2025-11-01T00:00", "s")
FIRST_FACEBOOK_EXPORT = np.datetime64("2026-10-11T09:00", "s")


def _posts(
    rng: np.random.Generator, n: int, scale: float, reach_median: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    minutes = rng.integers(0, 365, n) * 1440 + rng.integers(8 * 60, 21 * 60, n)
    published = np.sort(YEAR_START + minutes * 60 * SECOND)
    reach = rng.lognormal(np.log(reach_median * scale), 0.9, n)
    # reactions+comments+shares per reach: median about 0.007 (FORMATS.md)
    engaged = reach * rng.lognormal(np.log(0.007), 0.8, n)
    return published, reach, engaged


def lifetime_share(published: np.ndarray, exported: np.datetime64) -> np.ndarray:
    """How much of its lifetime total a post has reached when exported (grows with age)."""
    age = exported - published
    # numpy's stubs type a datetime64 minus datetimes as datetimes; it gives timedeltas
    days = np.maximum(age / np.timedelta64(86400, "s"), 0)  # type: ignore[operator]
    return 1 - 0.55 * np.exp(-days / 2) - 0.45 * np.exp(-days / 20)


def write_facebook(w: Writer, rng: np.random.Generator, scale: float) -> None:
    n = 150
    published, reach, engaged = _posts(rng, n, scale, 900)
    kind = rng.choice(4, size=n, p=[0.5, 0.25, 0.15, 0.1])
    base = {
        "id": (122158000000000000 + np.sort(rng.choice(10**11, n, replace=False)) * 1000).astype(
            str
        ),
        "caption": CAPTIONS[rng.integers(len(CAPTIONS), size=n)],
        "published": published,
        "type": POST_TYPES[kind],
        "video": kind == 2,
        "duration": np.where(kind == 2, rng.integers(20, 180, n), 0),
        "lang": np.where(rng.random(n) < 0.75, "fr", "en"),
        "negative": rng.poisson(0.3, n),
    }
    for exported, since in (
        (FIRST_FACEBOOK_EXPORT, np.datetime64("2026-07-01T00:00", "s")),
        (REFERENCE, YEAR_START),
    ):
        keep = (published >= since) & (published < exported)
        share = lifetime_share(published, exported)
        r, e = np.round(reach * share), engaged * share
        cols = {k: v[keep] for k, v in base.items()}
        cols.update(
            {
                "reach": r[keep].astype(np.int64),
                "views": np.round(r * 1.35)[keep].astype(np.int64),
                "reactions": np.round(e * 0.75)[keep].astype(np.int64),
                "comments": np.round(e * 0.1)[keep].astype(np.int64),
                "shares": np.round(e * 0.15)[keep].astype(np.int64),
                "clicks": np.round(r * 0.021)[keep].astype(np.int64),
                "links": np.round(r * 0.008)[keep].astype(np.int64),
            }
        )
        select = (
            "id, '104857600123456', 'Bienvenue aux réfugiés', null, caption, "
            "if(video, duration, null), strftime(published, '%m/%d/%Y %H:%M'), null, "
            "'https://www.facebook.com/104857600123456/posts/' || id, 'No', 'No', type, lang, "
            "null, null, null, 'Lifetime', views, reach, reactions + comments + shares, "
            "reactions, comments, shares, clicks, clicks - links, 0, links, 0, negative, "
            "if(video, views * duration // 4, null), if(video, duration // 4, null), "
            "null, null, null"
        )
        w.csv(
            f"facebook_posts_{str(exported)[:10]}.csv",
            FACEBOOK_HEADER,
            cols,
            select,
            bom=True,
            mtime=exported,
        )


def write_instagram(w: Writer, rng: np.random.Generator, scale: float) -> None:
    n = 90
    published, reach, engaged = _posts(rng, n, scale, 450)
    share = lifetime_share(published, REFERENCE)
    reach, engaged = np.round(reach * share), engaged * share * 1.6
    reel = rng.random(n) < 0.3
    cols = {
        "id": (18040000000000000 + np.sort(rng.choice(10**12, n, replace=False))).astype(str),
        "caption": CAPTIONS[rng.integers(len(CAPTIONS), size=n)],
        "published": published,
        "type": np.where(reel, "IG reel", np.where(rng.random(n) < 0.3, "IG carousel", "IG image")),
        "reel": reel,
        "duration": rng.integers(15, 90, n),
        "views": np.round(reach * np.where(reel, 2.5, 1.4)).astype(np.int64),
        "reach": reach.astype(np.int64),
        "likes": np.round(engaged * 0.8).astype(np.int64),
        "shares": np.round(engaged * 0.08).astype(np.int64),
        "follows": rng.poisson(0.002 * reach),
        "comments": np.round(engaged * 0.12).astype(np.int64),
        "saves": rng.poisson(0.004 * reach),
    }
    select = (
        "id, '17841401234567890', 'bienvenue.refugies', 'Bienvenue aux réfugiés', caption, "
        "if(reel, duration, null), strftime(published, '%m/%d/%Y %H:%M'), "
        "'https://www.instagram.com/p/' || substr(md5(id), 1, 11) || '/', type, null, "
        "'Lifetime', views, reach, likes, shares, follows, comments, saves"
    )
    w.csv("instagram_posts.csv", INSTAGRAM_HEADER, cols, select, bom=True, mtime=REFERENCE)


def write_x(w: Writer, rng: np.random.Generator, scale: float) -> None:
    n = 120
    published, impressions, engaged = _posts(rng, n, scale, 1100)
    impressions = np.round(impressions * lifetime_share(published, REFERENCE)).astype(np.int64)
    likes = rng.poisson(impressions * 0.006)
    replies, reposts = rng.poisson(impressions * 0.0008), rng.poisson(impressions * 0.0012)
    url, profile = rng.poisson(impressions * 0.004), rng.poisson(impressions * 0.002)
    expands, hashtag = rng.poisson(impressions * 0.01), rng.poisson(impressions * 0.001)
    cols = {
        "id": (1850000000000000000 + np.sort(rng.choice(10**17, n, replace=False))).astype(str),
        "published": published,
        "text": CAPTIONS[rng.integers(len(CAPTIONS), size=n)],
        "impressions": impressions,
        "likes": likes,
        "replies": replies,
        "reposts": reposts,
        "bookmarks": rng.poisson(impressions * 0.0005),
        "shares": rng.poisson(impressions * 0.0003),
        "follows": rng.poisson(impressions * 0.0004),
        "profile": profile,
        "expands": expands,
        "url": url,
        "hashtag": hashtag,
        "permalink": rng.poisson(impressions * 0.0006),
    }
    select = (
        "id, strftime(published, '%a, %b %d, %Y'), text, "
        "'https://x.com/BienvenueRef/status/' || id, format('{:,}', impressions), likes, "
        "format('{:,}', likes + replies + reposts + url + profile + expands + hashtag), "
        "bookmarks, shares, follows, replies, reposts, profile, expands, url, hashtag, "
        "permalink"
    )
    w.csv(
        "account_analytics_content_2025-11-01_2026-10-31.csv",
        X_HEADER,
        cols,
        select,
        mtime=REFERENCE,
    )


def write_posts(w: Writer, rng: np.random.Generator, scale: float) -> None:
    write_facebook(w, rng, scale)
    write_instagram(w, rng, scale)
    write_x(w, rng, scale)
