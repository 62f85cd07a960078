"""API keys and tokens with a vendor-specific shape.

Each row is a vendor's documented key format. The shapes are distinctive (a fixed prefix and a
long random tail), so a match is a finding without any context. detect-secrets' plugins
(secret_scanner.py) cover some of the same vendors with their own patterns; the rows here add
the prefixes those plugins do not know (AI vendors, CI and cloud platforms), which is what a user
pastes bare into a chat ("here is my token: ..."). Names next to values (`FOO_TOKEN=...`) are
credential_assignment's: most vendors without a prefix are found there.
"""

from __future__ import annotations

from guard.recognizers.base import GuardRecognizer, Rule
from guard.recognizers.secret_values import is_documentation_token

_L = r"(?<![0-9A-Za-z_\-])"
_R = r"(?![0-9A-Za-z_\-])"

# (vendor, regex): a vendor's key format.
_VENDOR_KEYS: tuple[tuple[str, str], ...] = (
    # OpenAI-style keys: DashScope sk-<32 hex>, Moonshot sk-<48 alnum>, OpenAI, Anthropic, DeepSeek
    ("sk- key", r"sk-(?:proj-|ant-(?:api|admin)[0-9]{2}-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,200}"),
    ("aws access key id", r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}"),
    ("google api key", r"AIza[0-9A-Za-z_\-]{35}"),
    ("google oauth token", r"ya29\.[0-9A-Za-z_\-]{20,}"),
    ("google oauth client secret", r"GOCSPX-[0-9A-Za-z_\-]{28}"),
    ("github token", r"gh[pousr]_[A-Za-z0-9]{36,255}"),
    ("github fine-grained token", r"github_pat_[A-Za-z0-9_]{22,255}"),
    ("gitlab token", r"glpat-[A-Za-z0-9_\-]{20,}"),
    ("slack token", r"xox[abposre]-[A-Za-z0-9\-]{10,}"),
    (
        "slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
    ),
    ("stripe key", r"(?:sk|rk|pk)_(?:live|test|prod)_[A-Za-z0-9]{16,}"),
    ("stripe webhook secret", r"whsec_[A-Za-z0-9]{24,}"),
    ("huggingface token", r"hf_[A-Za-z0-9]{30,}"),
    ("npm token", r"npm_[A-Za-z0-9]{36}"),
    ("pypi token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}"),
    ("sendgrid key", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
    ("twilio key", r"SK[0-9a-f]{32}"),
    ("mailgun key", r"key-[0-9a-zA-Z]{32}"),
    ("telegram bot token", r"[0-9]{8,10}:AA[0-9A-Za-z_\-]{33}"),
    ("discord bot token", r"[MN][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}"),
    ("azure storage account key", r"(?<=AccountKey=)[A-Za-z0-9+/]{86}=="),
    ("azure sas signature", r"(?<=[?&]sig=)[A-Za-z0-9%+/=]{30,}"),
    ("alibaba cloud access key id", r"LTAI[A-Za-z0-9]{12,20}"),
    ("tencent cloud secret id", r"AKID[A-Za-z0-9]{32}"),
    # AI vendors
    ("groq key", r"gsk_[A-Za-z0-9]{40,64}"),
    ("xai key", r"xai-[A-Za-z0-9]{40,100}"),
    ("perplexity key", r"pplx-[A-Za-z0-9]{40,64}"),
    ("replicate token", r"r8_[A-Za-z0-9]{30,50}"),
    ("huggingface org token", r"api_org_[A-Za-z0-9]{30,40}"),
    ("langsmith key", r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"),
    ("pinecone key", r"pcsk_[A-Za-z0-9_]{40,120}"),
    ("together key", r"tgp_v1_[A-Za-z0-9_\-]{40,60}"),
    ("aws bedrock key", r"ABSK[A-Za-z0-9+/]{100,}={0,2}"),
    # cloud, CI and developer platforms
    ("databricks token", r"dapi[a-f0-9]{32}(?:-[0-9])?"),
    ("docker token", r"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{20,}"),
    ("digitalocean token", r"do[opr]_v1_[a-f0-9]{64}"),
    ("atlassian token", r"AT(?:ATT|CTT)3[A-Za-z0-9_\-=]{150,300}"),
    ("bitbucket app password", r"ATBB[A-Za-z0-9]{28,40}"),
    ("grafana token", r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2}"),
    ("sentry token", r"sntry[sua]_[A-Za-z0-9+/=_]{40,400}"),
    ("shopify token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    ("linear key", r"lin_(?:api|oauth)_[A-Za-z0-9]{40}"),
    ("notion token", r"ntn_[A-Za-z0-9]{40,50}|secret_[A-Za-z0-9]{43}"),
    (
        "slack app or refresh token",
        r"xapp-[0-9]-[A-Za-z0-9\-]{20,}|xoxe(?:\.xox[bp])?-[0-9]-[A-Za-z0-9\-]{40,}",
    ),
    (
        "slack webhook or workflow",
        r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{20,}",
    ),
    ("vault token", r"hv[sbr]\.[A-Za-z0-9_\-]{24,}"),
    ("prefect key", r"pn[ub]_[A-Za-z0-9]{36}"),
    ("pulumi token", r"pul-[a-f0-9]{40}"),
    ("readme key", r"rdme_[a-z0-9]{70}"),
    ("sourcegraph token", r"sgp_(?:local_)?[A-Fa-f0-9_]{40,}"),
    ("easypost key", r"EZ[AT]K[A-Za-z0-9]{54}"),
    ("postman key", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
    ("dynatrace token", r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}"),
    ("fly.io token", r"fo1_[A-Za-z0-9_\-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}"),
    ("rubygems key", r"rubygems_[a-f0-9]{48}"),
    ("clojars token", r"CLOJARS_[a-z0-9]{60}"),
    ("infracost key", r"ico-[A-Za-z0-9]{32}"),
    ("sonarqube token", r"sq[pua]_[a-f0-9]{40}"),
    ("scalingo token", r"tk-us-[A-Za-z0-9_\-]{48}"),
    ("duffel token", r"duffel_(?:test|live)_[A-Za-z0-9_\-=]{43}"),
    ("1password token", r"ops_eyJ[A-Za-z0-9+/=]{100,}"),
    (
        "1password secret key",
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
    ),
    ("age secret key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    ("facebook token", r"EAA[A-Za-z0-9]{90,}"),
    ("square token", r"sq0atp-[A-Za-z0-9_\-]{22}|EAAA[A-Za-z0-9_\-+=]{60}"),
    ("openshift token", r"sha256~[A-Za-z0-9_\-]{43}"),
    ("twitter bearer token", r"A{22}[A-Za-z0-9%]{80,}"),
    ("new relic key", r"NR(?:AK|II|JS)-[A-Za-z0-9]{19,40}"),
    ("brevo key", r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}"),
    ("heroku key", r"HRKU-AA[A-Za-z0-9_\-]{58}"),
    ("planetscale token", r"pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_\-=.]{32,64}"),
    ("doppler token", r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}"),
    ("tailscale key", r"tskey-[a-z]+-[A-Za-z0-9]{8,}-[A-Za-z0-9]{20,}"),
    ("supabase key", r"sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_\-]{20,}"),
    ("render key", r"rnd_[A-Za-z0-9]{32}"),
    ("figma token", r"figd_[A-Za-z0-9_\-]{40}"),
    ("buildkite token", r"bkua_[a-f0-9]{40}"),
    ("circleci token", r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"),
    ("contentful token", r"CFPAT-[A-Za-z0-9_\-]{43}"),
    ("typeform token", r"tfp_[A-Za-z0-9_\-.=]{59}"),
    ("frame.io token", r"fio-u-[A-Za-z0-9_\-=]{64}"),
    ("shippo token", r"shippo_(?:live|test)_[a-f0-9]{40}"),
    ("mapbox secret token", r"sk\.eyJ[A-Za-z0-9_\-]{50,}\.[A-Za-z0-9_\-]{20,}"),
    ("nuget key", r"oy2[a-z0-9]{43}"),
    ("flutterwave secret key", r"FLWSECK(?:_TEST)?-[a-h0-9]{32}-X"),
    ("airtable token", r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"),
    ("azure ad client secret", r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}"),
    (
        "plaid token",
        r"access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
    ("42 intra secret", r"s-s4t2(?:ud|af)-[a-f0-9]{64}"),
    ("gitlab session cookie", r"_gitlab_session=[0-9a-z]{32}"),
    ("artifactory reference token", r"cmVmd[A-Za-z0-9]{59}"),
    ("facebook app token", r"[0-9]{15,16}\|[A-Za-z0-9_\-]{27}"),
    ("adobe client secret", r"p8e-[A-Za-z0-9]{32}"),
    (
        "microsoft teams webhook",
        r"https://[a-z0-9]+\.webhook\.office\.com/webhookb2/[a-z0-9\-]+@[a-z0-9\-]+"
        r"/IncomingWebhook/[a-z0-9]+/[a-z0-9\-]+",
    ),
    (
        "discord webhook",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]{60,}",
    ),
    ("defined networking key", r"dnkey-[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52}"),
)


class ApiKeyRecognizer(GuardRecognizer):
    ENTITIES = ("API_KEY",)
    RULES = (
        # One alternation, so the text is scanned once for all vendors.
        Rule("vendor key", _L + "(?:" + "|".join(r for _, r in _VENDOR_KEYS) + ")" + _R, 0.95, 1.0),
    )

    def validate(self, value: str, rule: Rule) -> bool:
        # Documentation keeps the prefix and fills the rest: "ghp_xxxx...", "sk-...your key...",
        # "xoxb-my-bot-token"; identifiers share some prefixes ("hf_requiredTypes").
        return not is_documentation_token(value)
