"""Phrase families: what scams and promotions say, in en/es/pt (and Russian), as code-free patterns.

Each family is a solicitation, not a topic: a reader may discuss bitcoin, loans or WhatsApp, but
does not offer a return on investment or ask to be messaged. Patterns are matched on the folded
body (`text.fold`: lower case, no accents, single spaces, look-alikes folded).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Phrase families, matched on the folded body (lower case, accents removed, look-alikes folded).
# Each is a solicitation, not a topic: a reader may discuss bitcoin, loans or WhatsApp, but does
# not offer a return on investment or ask to be messaged. en, es, pt; quantifiers are bounded.
# Every pattern comes with trigger words, one of which any match contains: looking the comment's
# words up in a table decides which patterns run at all, so a comment that has none of them
# costs a few dictionary lookups.
_MONEY = r"(?:(?:us|r|c|au)?\$ ?\d[\d.,]*+ ?k?|\d[\d.,]*+ ?k? ?(?:\$|usd|dollars?|dolares|reais|euros?|usdt|btc|eth))"
# The start of the body or of a sentence or clause: where an imperative stands.
_START = r"(?:^|[.!?:;,(] ?)"
_SUBSCRIBE = r"(?:subscri(?:be|ble)|suscribe|subcribe|sucscribe|subscibe)"  # codespell:ignore
# A cover or remix the commenter made (not a cover letter, story or charge).
_COVER = r"(?:covers?|remix(?:es)?)\b(?! (?:letter|story|page|photo|image|charge|sheet|up)s?\b)"
# Where an offer to the reader stands: the start of a sentence or clause, or after "you can",
# "how to", "start", "and": "Make money online!", "you can make money online", not "newspapers
# make money online".
_OFFER = (
    r"(?:^|[.!?:;,(] ?|\b(?:you (?:can |could |will )?|how to |start |and |in |want to |wanna ))"
)
_OFFER_ES_PT = r"(?:^|[.!?:;,(] ?|\b(?:puedes |podes |pode |voce pode |como |empieza a |comienza a |comece a |y |e ))"
_PERIOD = r"(?:hour|day|week|month|business days|days|weeks|hora|dia|semana|mes)"
PHRASES: dict[str, tuple[tuple[str, str], ...]] = {
    # Fake testimonials of investment and "fund recovery" experts, crypto and forex platforms.
    "investment": (
        ("profit|profits|roi|returns|interest", r"\b\d+ ?% (?:profits?|returns?|roi|interest) (?:in|within|every|per|daily|weekly)\b|\bprofits? (?:in|within) \d+ ?(?:hours|hrs|days)\b"),
        ("invest", r"\binvest (?:in|with) (?:this|our|the) (?:company|platform|project|broker)\b"),
        ("testimony", r"\b(?:my|this) testimony\b"),
        ("legit|legitimate", r"\blegit(?:imate)?\b.{0,80}?\bplatform\b"),
        ("ayudo|ajudou|helped", r"\b(?:me (?:ayudo|ajudou) a|helped me (?:to )?) (?:ganar|ganhar|lucrar|recuperar|invertir|investir|earn|make|recover|invest)\b"),
        ("made|earned|earn|got|received|withdrew|make", r"\bi (?:have )?(?:made|earned|got|received|withdrew|make|earn) (?:over |about |up to |a profit of |profit of |more than )?" + _MONEY + r".{0,50}?\b(?:trading|investing|invested|investment|platform|broker|profit|within \d+|in (?:\d+|one|two|three|a few) (?:days|weeks|hours|months)|per (?:day|week|month)|a (?:day|week|month)|every (?:day|week|month)|weekly|daily|thanks to|with (?:the help of|this|her|his|their|mr|mrs|ms|@))"),
        ("invest|invested|investing|deposit|deposited", r"\b(?:invest(?:ed|ing)?|deposit(?:ed)?) (?:just |only |with )?(?:a |an )?" + _MONEY + r".{0,60}?\b(?:got|received|earn|made|profit|withdr|return)"),
        ("investment", r"\binvestment (?:platform|company|manager|expert|opportunity|plan|broker|mentor)s?\b"),
        ("trading|trade", r"\btrad(?:ing|e) (?:platform|expert|account manager|mentor|signals)\b"),
        ("forex|crypto|bitcoin|binary", r"\b(?:forex|crypto|bitcoin|binary) (?:trading (?:platform|expert|mentor)|trader|mining platform|investment (?:platform|company)|expert|mentor)\b"),
        ("guaranteed|daily|weekly", r"\b(?:guaranteed|daily|weekly) (?:profits?|returns|income|earnings|payouts?)\b"),
        ("passive|financial", r"\bpassive income\b|\bfinancial freedom\b"),
        ("legit|legitimate|trusted|reliable", r"\b(?:legit|legitimate|trusted|reliable) (?:platform|company|broker|investment|account manager|trader)\b"),
        ("successful", r"\bsuccessful (?:payout|withdrawal|cash ?out)\b"),
        ("recover|recovered|recovery|retrieve|retrieved|back", r"\b(?:recover(?:ed|y)?|retrieve[d]?|get back) (?:all )?(?:my|your|their|his|her|the) (?:lost |stolen |scammed )?(?:funds|money|crypto|bitcoins?|btc|usdt|investments?|assets)\b"),
        ("recovery", r"\b(?:funds?|assets?|crypto|bitcoin|scam) recovery\b|\brecovery (?:expert|agent|specialist|hacker|company)\b"),
        ("gane|ganado|obtuve|retire|recibi", r"\b(?:gane|he ganado|obtuve|retire|recibi) (?:mas de |hasta |unos |alrededor de )?" + _MONEY + r".{0,50}?\b(?:invirtiendo|inversion|trading|plataforma|ganancias?|en (?:\d+|una|un|dos|tres|pocos) (?:dias|semanas|horas|meses|semana|mes)|por (?:dia|semana|mes)|al (?:dia|mes)|cada (?:dia|semana|mes)|diarios|semanales|gracias a|con (?:la ayuda|este|esta|el senor|la senora|mi asesora?|@))"),
        ("inverti", r"\binverti (?:solo |solamente |apenas )?" + _MONEY),
        ("plataforma", r"\bplataforma de (?:inversion|inversiones|trading|criptomonedas|investimentos?|criptomoedas)\b"),
        ("ganancias|ingresos|libertad", r"\bganancias (?:garantizadas|diarias|semanales)\b|\bingresos pasivos\b|\blibertad financiera\b"),
        ("recuperar|recupere|recupero", r"\brecuper(?:ar|e|o) (?:todo )?(?:mi|su|tu|mis|sus) (?:dinero|fondos|inversion|inversiones|criptomonedas|bitcoins?)\b"),
        ("recuperar|recuperei|recuperou", r"\brecuper(?:ar|ei|ou) (?:o |os )?(?:meu|seu|teu|meus|seus) (?:dinheiro|fundos|investimentos?|criptomoedas|bitcoins?)\b"),
        ("experto|experta|especialista", r"\b(?:expert[oa] en|especialista em) (?:inversiones|investimentos|trading|criptomonedas|criptomoedas|forex|recuperacion|recuperacao)\b"),
        ("ganhei|lucrei|recebi|saquei|faturei", r"\b(?:ganhei|lucrei|recebi|saquei|faturei) (?:mais de |ate |cerca de )?" + _MONEY + r".{0,50}?\b(?:investindo|investimento|trading|plataforma|lucros?|em (?:\d+|um|uma|dois|duas|tres|poucos) (?:dias|semanas|horas|meses|semana|mes)|por (?:dia|semana|mes)|ao (?:dia|mes)|toda semana|diarios|semanais|gracas a|com (?:a ajuda|essa|esta|o senhor|a senhora|minha mentora|meu mentor|@))"),
        ("investi", r"\binvesti (?:apenas |so |somente )?" + _MONEY),
        ("lucro|lucros|renda|liberdade", r"\blucros? (?:garantidos?|diarios|semanais)\b|\brenda passiva\b|\bliberdade financeira\b"),
    ),
    # Asking to move the conversation to a chat, a profile or a link.
    "contact": (
        ("telegram|instagram|whatsapp|ig|tg|snapchat|tiktok", r"@[\w.]{3,32} (?:on|en|no|na) (?:telegram|instagram|whatsapp|ig|tg|snapchat|tiktok)\b|\b(?:telegram|instagram|whatsapp|tiktok)(?: dele| dela| del| de el| de ella| his| her)?:? ?@[\w.]{3}"),
        ("hablale|escribele|contactalo|contactala|fala|chama", r"\b(?:hablale|escribele|contactalo|contactala|fala com (?:ele|ela)|chama (?:ele|ela))\b"),
        ("chamar|chama", r"\b(?:chamar|chama) (?:no|pelo|na) (?:privado|pv|direct|dm|zap|whats|whatsapp|inbox)\b"),
        ("here", r"\b(?:sign up|signing up|register|book your (?:seats?|spot)|donate|join us|apply|order) here\b"),
        ("whatsapp|telegram|instagram|signal|wechat|viber|snapchat|profile|bio|inbox|dm", r"\b(?:contact|reach|message|text|write|chat with|dm|inbox|add)(?: (?:me|him|her|them|us|mr\.? \w+|mrs\.? \w+|ms\.? \w+))?(?: directly| now| today)? (?:on|via|through|at|in) (?:whatsapp|telegram|instagram|signal|wechat|viber|snapchat|t\.me|my (?:profile|bio|inbox|dm))"),
        ("dm|pm|inbox|whatsapp|telegram", r"\b(?:dm|pm|inbox|whatsapp|telegram) (?:me|us)\b"),
        ("whatsapp|telegram|signal|viber|wechat", r"\b(?:whatsapp|telegram|signal|viber|wechat)(?: number| no| contact| id)? ?(?:[:+@]|\bon \+)"),
        ("telegram|instagram|whatsapp|ig|tg|snapchat", r"@\w{3,32} on (?:telegram|instagram|whatsapp|ig|tg|snapchat)\b"),
        ("link", r"\b(?:click|tap) (?:on )?(?:the|this|my) link\b|\blink (?:below|in (?:my |the )?(?:bio|profile|description))\b"),
        ("bio|profile", r"\bcheck (?:out )?(?:my (?:bio|profile)|the bio)\b"),
        ("escribeme|escribenos|contactame|contactanos|hablame|mandame", r"\b(?:escribeme|escribenos|contactame|contactanos|hablame|mandame (?:un )?(?:mensaje|msj|whatsapp|wasap|dm|md))\b"),
        ("whatsapp|wasap|wsp|telegram|privado|md|dm|inbox", r"\b(?:mi|nuestro) (?:whatsapp|wasap|wsp|telegram)\b|\b(?:al|por) (?:privado|md|dm|inbox)\b"),
        ("zap|whats|whatsapp|wpp|telegram|privado|direct|dm|pv|inbox", r"\b(?:me chama|chama|fale comigo|me manda|manda|mande) (?:uma )?(?:mensagem |msg |dm |direct )?(?:no|pelo|via|por|na) (?:zap|whats|whatsapp|wpp|telegram|privado|direct|dm|pv|inbox)\b"),
        ("whatsapp|zap|whats|wpp|telegram", r"\b(?:meu|nosso) (?:whatsapp|zap|whats|wpp|telegram)\b|\bchama no (?:zap|pv|privado|direct)\b"),
    ),
    # Crypto giveaways and "claim your reward".
    "giveaway": (
        ("give|giving", r"\b(?:give|giving) (?:out|away) (?:huge |free )?(?:rewards|prizes|tokens|crypto|bitcoin|usdt)\b"),
        ("altcoin|nft|crypto|bitcoin|btc|airdrop|giveaway|forex", r"#(?:altcoin|nft|crypto|bitcoin|btc|airdrop|giveaway|forex)"),
        ("giveaway|airdrop", r"\b(?:giveaway|airdrop)\b.{0,60}?\b(?:claim|join|drop|send|register|link|winners?|participate|enter|free)\b|\b(?:claim|join|free|biggest|huge|massive|mega)\b.{0,40}?\b(?:giveaway|airdrop)\b"),
        ("drop", r"\bdrop (?:your|ur) (?:wallets?|address|eth|btc|usdt)\b"),
        ("send", r"\bsend (?:\d[\d.]*+ ?)?(?:btc|eth|usdt|bitcoin)\b.{0,40}?\b(?:receive|get back|double)"),
        ("claim", r"\bclaim (?:your )?(?:free )?(?:reward|bonus|prize|airdrop|tokens?|btc|eth|usdt)\b"),
        ("free|double", r"\bfree (?:btc|eth|usdt|crypto|bitcoin|tokens)\b|\bdouble your (?:btc|bitcoin|eth|crypto|money)\b"),
        ("shill|lucky", r"\bshill me\b|\blucky winners?\b"),
        ("sorteo|sorteio|regalo|presente", r"\b(?:sorteo|sorteio|regalo|presente) de (?:cripto\w{0,10}|bitcoin|usdt)\b"),
        ("reclama|resgate", r"\breclama (?:tu )?(?:premio|recompensa|bono)\b|\bresgate (?:seu|o) (?:premio|bonus|recompensa)\b"),
    ),
    # Work offered by chat: easy money from home, no experience, "5 people needed".
    "job": (
        ("celular|phone|telefone|movil|telefono|smartphone", r"\b(?:celular|phone|smartphone|telefone|movil|telefono) (?:e|y|and) (?:de |of )?(?:[1-3]|uma|una|dos|duas|two|three|tres) (?:horas?|hours?|hrs)\b"),
        ("dinheiro|dinero|money", r"\b(?:ganhar|ganhe|ganar|gana|earn|make) (?:um )?(?:dinheiro|dinero|money) extra\b|\bextra (?:cash|income) (?:from home|online|daily)\b"),
        ("earn|make|making|earning|paid", r"\b(?:earn|make|making|earning|get paid) (?:up to |over |about |between |from )?" + _MONEY + r" (?:per|a|every|each|in|within) (?:\d+ )?" + _PERIOD),
        ("home", r"\bwork(?:ing)? (?:from|at) home\b.{0,60}?\b(?:earn|make|paid|income|salary)\b"),
        ("needed|required|wanted", r"\b\d+ (?:people|persons|candidates|partners) (?:are )?(?:needed|required|wanted)\b"),
        ("hiring|recruiting|looking", r"\b(?:we are|we're|i am|i'm) (?:hiring|recruiting|looking for (?:people|partners|workers|assistants|agents))\b"),
        ("experience", r"\bno experience (?:is )?(?:needed|required|necessary)\b"),
        ("online|part", r"\b(?:part[- ]time|online) (?:job|work) (?:from home|online|opportunity)\b"),
        ("join", r"\bjoin (?:my|our) (?:team|group|channel)\b"),
        ("desde", r"\btrabaj(?:o|a|ar|e) desde (?:casa|tu casa|el celular|el movil)\b"),
        ("gana|ganar|ganas|genera|generar", r"\b(?:gana|ganar|ganas|genera|generar) (?:desde |hasta |mas de )?" + _MONEY + r" (?:al|por|cada|a la|en) (?:\d+ )?" + _PERIOD),
        ("ingresos|experiencia|buscamos|unete", r"\bingresos extras?\b|\bsin experiencia previa\b|\bbuscamos (?:personas|socios|colaboradores)\b|\bunete a (?:mi|nuestro) (?:equipo|grupo|canal)\b"),
        ("casa", r"\btrabalh(?:e|ar|o) (?:de|em) casa\b"),
        ("ganhe|ganhar|fature|faturar|lucre", r"\b(?:ganhe|ganhar|fature|faturar|lucre) (?:ate |mais de |de )?" + _MONEY + r" (?:por|ao|todo|cada|na|no) (?:\d+ )?" + _PERIOD),
        ("renda|experiencia|contratando|entre|entra", r"\brenda extra\b|\bsem experiencia\b|\bestamos contratando\b|\bentr[ea] (?:no|para o) (?:meu|nosso) (?:grupo|time|canal)\b"),
    ),
    # "Customer service number" floods.
    "service_number": (
        ("customer", r"customer (?:service|care|support)(?: phone)?(?: number| helpline| no\.?)"),
        ("support|helpline|help|helpdesk|toll|hotline", r"(?:support|helpline|help ?desk|toll[- ]free|hotline) (?:phone )?(?:number|no\.?)"),
        ("toll|call|dial", r"\btoll[- ]free\b|\b(?:call|dial) (?:now|us today)\b"),
        ("cliente", r"(?:numero|telefono) de (?:atencion|servicio) al cliente"),  # codespell:ignore
        ("gratuita|llame", r"\blinea gratuita\b|\bllame (?:ya|ahora)\b"),
        ("atendimento|suporte|sac|ligue", r"(?:numero|telefone) (?:do|de) (?:atendimento|suporte|sac)\b|\bcentral de atendimento\b|\bligue (?:ja|agora)\b"),
    ),
    # Promoting a site, channel or service; SEO and follower shops.
    "promotion": (
        ("viagra|cialis|tramadol|xanax|valium|oxycodone|levitra|phentermine|prescription|receta|receita", r"\b(?:buy|order|cheap|generic|compra|comprar|compre)\b.{0,30}?\b(?:viagra|cialis|tramadol|xanax|valium|oxycodone|levitra|phentermine)\b|\bwithout (?:a )?prescription\b|\bsin receta\b|\bsem receita\b"),
        ("spins|bonus|bono|giros|rodadas", r"\b(?:free spins|casino bonus|welcome bonus|deposit bonus|bonus code|giros gratis|rodadas gratis|bono de bienvenida|bonus de boas-vindas)\b"),
        ("subscribe|suscribe|subcribe|sub", r"\bsu(?:b)?s?cribe (?:for|to) me\b|\bsub (?:4|for) sub\b|\bfollow (?:4|for) follow\b|\blike (?:4|for) like\b"),
        ("check|checking|watch|follow", r"\b(?:check|checking) me out\b|\bcheck out my (?:\w+ )?(?:video|videos|vidios|channel|rap|song|music|stream|page|account)\b|\b(?:watch|follow) my (?:stream|channel|videos|page)\b"),
        ("help|hit|please", r"\bhelp me (?:out|get|reach|to get|grow)\b.{0,40}?\b(?:subscribers|views|likes|followers)\b|\bi (?:just )?hit \d+k? subscribers\b|\bplease (?:check|look at|watch|listen to) (?:out )?my\b"),
        ("follow|add", r"\b(?:follow|add) me (?:on|in|at|here|please|watch|and)\b|\bfollow me\b.{0,20}?\b(?:instagram|twitter|facebook|tiktok|ig)\b"),
        ("channel|subscriber|subscribers", r"\bmy (?:youtube |new |small )?channel\b|\b(?:become|be) my (?:first |\d+(?:st|nd|rd|th) )?subscribers?\b|\bsu(?:b)?scribe (?:to )?my\b"),
        ("check|take|look", r"\b(?:check out|take a look at|look at) (?:this|our|my) (?:video|playlist|cover|song|channel|page|music) on (?:youtube|facebook|instagram|soundcloud)\b|\bcheck out (?:our|my) (?:cover|remix|song|music)\b"),
        ("sub|subscribe|subscribed", r"\bsub(?:scribe)? (?:to )?me\b|\bsub(?:scribe)? (?:to )?my (?:channel|page)\b"),
        ("see|watch|hear|listen", r"\b(?:see|watch|hear|listen to) my (?:new )?(?:track|song|video|channel|music|mixtape|cover|rap)\b"),
        ("look|search", r"\b(?:look up|search for|search) my (?:channel|name|page|music|song)\b"),
        ("come", r"\bcome (?:and )?(?:watch|see|check(?: out)?|listen to) my\b"),
        ("our|nuestro|nuestra|nuestros|nuestras|nosso|nossa|nossos|nossas", r"\b(?:our|nuestr[oa]s?|noss[oa]s?) (?:company|shop|store|agency|products?|services|offers|prices|reviews|catalog|empresa|tienda|agencia|productos|servicios|ofertas|precios|catalogo|loja|produtos|servicos|precos)\b"),
        ("now|today|online|ahora|hoy|agora|hoje&apply|order|buy|shop|book|call|compra|pide|solicita|solicitalo|compre|peca|ligue", r"\b(?:apply|order|buy|shop|book|call|compra|pide|solicita|solicitalo|compre|peca|ligue) (?:now|today|online|ahora|hoy|ya|agora|hoje|ja)\b"),
        ("off|sale|descuento|desconto", r"\b\d+ ?% (?:off|sale|de descuento|de desconto)\b"),
        ("visit", r"\bvisit my (?:site|website|blog|page|channel|profile|store|shop)\b"),
        ("check", r"\bcheck (?:out )?my (?:site|website|blog|page|channel|video|music|new song|playlist|store|shop)\b"),
        ("subscribe|sub", r"\b(?:subscribe|sub) to (?:my|our)\b|\bplease subscribe\b"),
        ("visit|click", r"\bvisit (?:us|our (?:site|website|store|shop))\b|\bclick (?:here|on my)\b"),
        ("followers|likes|views|subscribers", r"\b(?:buy|cheap|get|increase) (?:\w+ )?(?:followers|likes|views|subscribers)\b"),
        ("backlink|backlinks|guest|building|seo", r"\bbacklinks?\b|\bguest posts?\b|\blink building\b|\bseo (?:services|agency|company|expert)\b"),
        ("design|marketing", r"\bweb design (?:services|company|agency)\b|\bdigital marketing (?:agency|services)\b"),
        ("code|replica", r"\b(?:discount|promo|coupon) code\b|\breplica (?:watches|bags)\b"),
        ("visita|visiten|visitad|mira|miren|siganme|siguenme", r"\b(?:visita|visiten|visitad|mira|miren|siganme|siguenme) (?:mi|nuestro|nuestra) (?:blog|sitio|pagina|web|canal|perfil|tienda)\b"),
        ("suscribete|suscribanse|clic|seguidores|descuento", r"\bsuscribete\b|\bsuscribanse\b|\b(?:haz|hagan|de) clic aqui\b|\b(?:compra|comprar) seguidores\b|\bcodigo de descuento\b"),
        ("visite|confira|conheca|acesse|sigam|siga", r"\b(?:visite|confira|conheca|acesse|sigam|siga) (?:o |a )?(?:meu|minha|nosso|nossa) (?:site|blog|canal|perfil|loja|pagina)\b"),  # codespell:ignore
        ("inscreva|clique|seguidores|cupom|promocional", r"\binscreva-se\b|\bclique aqui\b|\b(?:compre|comprar) seguidores\b|\bcupom de desconto\b|\bcodigo promocional\b"),  # codespell:ignore
    ),
    # Asking for likes and shares (the YouTube collection's "like this comment").
    "engagement_bait": (
        ("like|share", r"\blike this (?:comment|post)\b|\bshare this (?:video|post|comment)\b"),
        ("like|comparte", r"\b(?:dale|den) like a este comentario\b|\bcomparte este (?:video|comentario)\b"),
        ("curte|compartilhe", r"\bcurte (?:esse|este) comentario\b|\bcompartilhe (?:esse|este) (?:video|post)\b"),
    ),
    # Sex offers and dating sites; not sex as a topic.
    "adult": (
        ("hot|dating|chat|cam|cams", r"\bhot (?:girls|singles|women|moms) (?:in|near|want)\b|\b(?:adult|sex) (?:dating|chat|cams?)\b"),
        ("nude|nudes|escort|webcam", r"\bnude (?:photos|pics|videos)\b|\bsend (?:me )?nudes\b|\bescort (?:service|girls|agency|models)\b|\bwebcam (?:girls|models)\b"),
        ("chicas|fotos|contenido", r"\bchicas (?:calientes|solteras|webcam)\b|\bfotos (?:intimas|desnudas)\b|\bcontenido (?:para adultos|\+18)\b"),
        ("garota|garotas|fotos|conteudo", r"\bgarotas? (?:quentes|solteiras|de programa)\b|\bfotos (?:intimas|nuas)\b|\bconteudo (?:adulto|\+18)\b"),
    ),
    # Self-promotion in the commenter's own words: asking readers to subscribe, to come and see
    # or hear what the commenter makes, to follow, like or vote for them. Evidence for the spam
    # folder, never a model input (`GATE_ONLY`: as one it lowered YouTube leave-one-video-out
    # MCC); reported as "promotion".
    "self_promotion": (
        ("subscribe|subscrible|suscribe|subcribe|sucscribe|subscibe", _START + r"(?:please |plz |pls |pleas |so )?" + _SUBSCRIBE + r"\b(?! to (?:the|this|that|a|an|your|his|her|their|our) (?!channel))|\b(?:please|plz|pls|pleas) " + _SUBSCRIBE + r"\b(?! to (?:the|this|that|a|an|your|his|her|their|our) (?!channel))|\b" + _SUBSCRIBE + r"(?: and| &|,) (?:like|comment|share|enjoy|watch)\b|\b" + _SUBSCRIBE + r" (?:please|pls|plz)\b"),  # codespell:ignore
        ("subscribe|subscrib|subscrible|suscribe|subcribe|sub|share", r"\b(?:like|comment|come|watch|view)(?: and| &|,)? (?:subscri(?:be|b|ble)|suscribe|subcribe|sub)\b|" + _START + r"(?:please |plz |pls )?(?:like|rate)(?: and| &|,) share\b|" + _START + r"(?:please |plz |pls )?share(?: and| &|,) (?:like|subscribe)\b|\blike ?& ?(?:share|subscribe)\b"),
        ("subscribe|sub|sub0sub|subs|subscribers", r"\b(?:subscribe|sub) (?:back|4 sub|for sub|if you|on me|to (?:me|us|my|our|him|her|his|this (?:channel|guy|girl|dude)))\b|\bsub0sub\b|\b(?:i'?ll|i will|we will|we'?ll) (?:subscribe|sub) (?:back|to you|to your)\b|\b(?:get|reach|hit|gain|to|at) \d+k? (?:subs|subscribers)\b|\b\d+k? (?:subs|subscribers) (?:please|pls|plz)\b|\bsubscribers please\b"),
        ("check|checking|chek|chack|chacking|checkout", r"\b(?:check|checking|chek|chack|chacking|checkout) out (?:my|our|mah)\b(?! (?:comment|comments|post|posts|reply|replies|answer|math|facts?|sources?|previous|last|earlier|argument|point|numbers|statement|response|history|record|links?|profile photo|spelling|grammar)\b)|\b(?:check|checking|chek|chack|chacking) (?:my|our|mah) (?:\w+ ){0,2}?(?:channel|chanel|videos?|vids?|songs?|tracks?(?! record)|playlist|music|covers?|raps?|remix|beats|album|mixtape|page|blog|vlog|podcast|site|website|stream|art|band|stuff|content|youtube|yt|soundcloud|twitch|instagram|insta)\b|\bcheck (?:them|us|him|her|it|this) out\b.{0,60}?\b(?:my|our|subscribe|channel|youtube)\b|\bcheck out (?:this|the new|the latest|these|a) (?:\w+ ){0,2}?(?:channel|chanel|song|track|remix|cover|playlist|mixtape|album|rap|beats?|lyrics|lyric video)\b|\bcheck out (?:the new|the latest) (?:\w+ ){0,2}?videos?\b|\bcheck out (?:\S+ ){1,3}?(?:channel|chanel)\b"),  # codespell:ignore
        ("come", r"\bcome(?: and)? check (?:(?:it|this|us|me|them) )?out\b|\bcome(?: and)? (?:see|visit) (?:us|me|my|our)\b|\bcome(?: and)? (?:watch|hear|listen to|check out) (?:my|our)\b"),
        ("see|watch|hear|listen&my|our", r"\b(?:see|watch|hear|listen to) (?:my|our) (?:new |latest |first )?(?:track|song|video|vid|channel|music|mixtape|cover|rap|album|beat)s?\b"),
        ("visit&my|our", r"\bvisit (?:my|our) (?:site|website|blog|vlog|page|channel|profile|store|shop)\b"),
        ("please|pls|plz|help&pic|picture|photo|poster|page", r"\b(?:(?:please|pls|plz) |help (?:me |us )?(?:to )?)(?:\w+ ){0,4}?like (?:this|my|our) (?:pic|picture|photo|poster|page)\b"),
        ("subscribe|sub&click|press|hit|smash|tap", r"\b(?:click|press|hit|smash|tap) (?:on )?(?:the |that )?(?:subscribe|sub)\b"),
        ("follower|followers", r"\bfollowers? (?:please|pls|plz)\b"),
        ("check&my|our", r"\b(?:my|our) (?:\w+ ){0,2}?(?:videos?|songs?|music|channel|tracks?|covers?|raps?)\b.{0,60}?\bcheck (?:them|it) out\b"),
        ("subscribe|sub|follow&like|liked|enjoy|enjoyed", r"\bif you (?:like|liked|enjoy|enjoyed) (?:it|this|them|my \w+),? (?:please |pls |plz |then )?(?:subscribe|sub|follow)\b"),
        ("suscribete|sigueme|inscreve|inscreva|segue&gusto|gusta|gustaron|gustan|gostou|curtiu|gostarem|curtirem", r"\bsi te (?:gusto|gusta|gustaron|gustan),? (?:suscribete|sigueme)\b|\bse (?:gostou|curtiu|gostarem|curtirem),? (?:se inscreve|inscreva-se|me segue)\b"),
        ("subscriber|subscribers|followers|likes|views&youtube|yt|instagram|insta|twitter|tiktok|twitch", r"\bif you (?:need|want) (?:more )?(?:youtube|yt|instagram|insta|twitter|tiktok|twitch) (?:subscribers?|followers|likes|views)\b"),
        ("follow|sigueme|segue", r"\bfollow me (?:\+|@)\w|\bsigueme (?:\+|@)\w|\bme segue (?:\+|@)\w"),
        ("like|likes|thumbs&please|pls|plz", _START + r"(?:likes?|thumbs up) (?:please|pls|plz)\b"),
        ("rap|rapping|growing", r"\b(?:i|we) (?:just )?(?:rap|started rapping)\b(?! (?:my|on|at|the|his|her|their|your|our)\b)|\b(?:i'?m|im|i am) growing as an? (?:artist|musician|rapper|singer)\b"),
        ("lyrics|songs|music|beats&own", r"\b(?:i write|i make|i made|i produce|with) my own (?:lyrics|songs|music|beats)\b|\bmy own lyrics\b"),
        ("music|video|videos|channel|song|songs|cover|covers&my|our", r"\b(?:effort|work|heart|time|soul) into (?:my|our) (?:music|videos?|channel|songs?|covers?)\b"),
        ("new&youtube", r"\b(?:i'?m|im|i am) (?:kind of |kinda |pretty |really |fairly )?new (?:to|on) youtube\b"),
        ("sound|sounds&my|our", r"\bcheck (?:out )?(?:my|our) (?:new |newest |latest )?sounds?\b"),
        # Apologising for the spam is announcing it.
        ("sorry|spamming|spam|flood", r"\bsorry (?:for|about) (?:the |this |my |all the )?spam(?:ming)?\b(?! (?:of|about|from|calls?|e?mails?|texts?|filters?|folders?)\b)|\b(?:i'?m|im|i am) spamming\b|\bi know (?:this|it) (?:is|'s) spam\b|\b(?:perdon|disculpen|disculpa|lo siento) (?:por )?(?:el |este |mi )?spam\b|\b(?:desculpa|desculpem|foi mal|perdao) (?:pelo |o |por )?(?:spam|flood)\b"),
        ("youtuber|youtubers|rapper|rappers|remixer|vlogger|beatmaker|producer|songwriter", r"\b(?:i'?m|i am|we'?re|we are|im) (?:a |an )?(?:\w+ ){0,3}?(?:youtuber|rapper|remixer|vlogger|beatmaker|music producer|singer-songwriter)\b|\b(?:new|small|upcoming|aspiring|young) (?:youtuber|rapper)s?\b"),
        ("youtube|yt|channel|chanel|upload", r"\b(?:i|we) (?:just |recently )?(?:started|made|created|opened|launched) (?:my |our |a )?(?:new |first |own )?(?:(?:youtube|yt)(?: channel| chanel)?|(?:gaming |music )?(?:channel|chanel))\b|\bi upload (?:videos|every|weekly|daily)\b|\b(?:on|to|in) our (?:youtube |new |gaming |music )?(?:channel|chanel)\b"),  # codespell:ignore
        ("video|videos|song|songs|cover|covers|track|tracks|remix|remixes|beat|beats|rap|raps", r"\b(?:video|song|cover|track|remix|beat|rap)s? i (?:just )?(?:made|recorded|produced)\b"),
        ("listen|like|view|watch|listening", r"\bgive (?:it|them|us|my \w+|our \w+|this song|this track) a (?:listen|like|view|watch)\b|\b(?:listen|listening) to (?:my|our) (?:\w+ ){0,2}?(?:song|songs|music|track|tracks|cover|covers|rap|mixtape|album|beats?|remix)\b"),
        ("video|videos|page|photo|pic|picture|song|music|channel&my|our", r"\b(?:like|shares?) (?:my|our) (?:video|videos|page|photo|pic|picture|song|music|channel)\b|\bsupport (?:my|our) (?:channel|music)\b"),
        ("vote|donate", r"\bvote for (?:me|us)\b|\bdonate (?:\w+ )?to me\b"),
        ("follow|like|f4f|l4l", r"\bfollow (?:4|for) follow\b|\blike 4 like\b|\bf4f\b|\bl4l\b"),
        ("playlist|mixtape|remix|did|made|recorded|hice|grabe|fiz|gravei", r"\b(?:this is|here is|here'?s|check|see) my (?:new |newest |latest |own )?(?:playlist|mixtape|remix)\b|\b(?:i|we) (?:just )?(?:did|made|recorded) (?:a|an|some|my own|my first|our own|our first) (?:\w+ )?" + _COVER + r"|\b(?:hice|grabe) (?:un|una|mi|mi primer) (?:\w+ )?" + _COVER + r"|\b(?:fiz|gravei) (?:um|uma|meu|meu primeiro) (?:\w+ )?" + _COVER),
        ("sigo", r"\b(?:te |les |los |vos )?sigo de (?:vuelta|volta)\b|\b(?:sigueme|siganme|siguenme|segueme|sigue|siga|sigam|segue) (?:(?:y|e) (?:te|les|los|vos)|(?:que|q) (?:eu |te |les |los |vos )?(?:te )?) ?sigo\b"),
        ("twitter|facebook|instagram|insta|ig|twitch|soundcloud|youtube|tumblr|tiktok|snapchat|vine|kik", r"\b(?:follow|visit|add) (?:me|us|my page|our page) (?:on|at|in) (?:twitter|facebook|instagram|insta|ig|twitch|soundcloud|youtube|tumblr|tiktok|snapchat|vine|kik)\b|\b(?:sigueme|siganme|siguenme) (?:en|por) (?:twitter|facebook|instagram|insta|ig|twitch|youtube|tiktok)\b"),
        ("canal|video|videos|cancion|canciones|musica|pagina|perfil|blog|cover|covers|disco|album|rap&mi|mis|nuestro|nuestra|nuestros&suscribanse|suscribirse|subscribirse|suscribete|subscribete|suscribase|invito|pasen|pasense|pasate|vean|escuchen|escucha|chequen|checa|apoyen|visiten|miren", r"\b(?:suscribanse|suscribirse|subscribirse|suscribete|subscribete|suscribase|los invito a|les invito a|te invito a|pasen|pasense|pasate|vean|escuchen|escucha|chequen|checa|apoyen|visiten|miren) (?:\w+ ){0,3}?(?:a |en |por )?(?:mi|mis|nuestro|nuestra|nuestros) (?:nuevo |nueva |humilde |pequeno )?(?:canal|video|videos|cancion|canciones|musica|pagina|perfil|blog|cover|covers|disco|album|rap)\b"),
        ("denle", r"\bdenle (?:like|me gusta|manito) a (?:mi|mis|este comentario)\b"),
        ("canal|video|videos|musica|musicas|som|clipe|cover|covers|pagina|perfil|blog|rap&meu|minha|nosso|nossa|meus|minhas&inscreve|inscrevam|inscreva|confiram|confira|conhecam|conheca|vejam|escutem|oucam|passa|passem|olhada|apoiem|visitem", r"\b(?:se inscreve|se inscrevam|inscrevam-se|inscreva-se|inscrevam se|inscreva se|confiram|confira|conhecam|conheca|vejam|escutem|oucam|passa|passem|deem uma olhada|da uma olhada|apoiem|visitem) (?:\w+ ){0,3}?(?:no |o |a |na |ao |pelo )?(?:meu|minha|nosso|nossa|meus|minhas) (?:novo |nova |humilde |pequeno )?(?:canal|video|videos|musica|musicas|som|clipe|cover|covers|pagina|perfil|blog|rap)\b"),  # codespell:ignore
        ("segue|sigam|siga|deixa|deixem|deixe", r"\bme (?:segue|sigam|siga)(?: ai| la| ha)? (?:(?:no|na|em|pelo|pela) (?:insta|instagram|twitter|tiktok|face|facebook|youtube|canal|twitch|ig)\b|https?:)|\b(?:deixa|deixem|deixe) (?:o |seu |um |aquele )?(?:like|gostei|joinha)\b"),
    ),
    # Money offered to readers for a click, a sign-up or a game: "make money online", "get money
    # here", free gift cards. Evidence for the spam folder, never a model input (`GATE_ONLY`, as
    # self-promotion; the scored "job" family keeps its own patterns); reported as "job". A
    # reader's "newspapers make money from ads" or "it is not easy money" offers nothing.
    "easy_money": (
        ("make|earn|making|earning|get|getting|win&money|cash", _OFFER + r"(?:make|earn|making|earning|get|getting|win) (?:real |extra |easy |fast |quick |free |some |more )?(?:money|cash|paypal money) (?:online|from home|today|here|easily|by internet|on the internet|from (?:(?:this|a|the|my) )?(?:game|site|app)|with (?:this|my|our) (?:site|app|game|link))\b"),
        ("want|wanna&money|cash", r"\b(?:do you|you) (?:want|wanna) (?:to )?(?:make|earn) (?:some )?(?:easy|fast|quick|extra) (?:money|cash)\b"),
        ("free&gift|giftcard|giftcards|itunes|psn|xbox|paypal|robux|bucks|vbucks|amazon|google", r"\bfree (?:gift ?cards?|gift card codes|itunes (?:codes?|cards?|gift cards?)|psn (?:codes?|cards?)|xbox (?:codes?|live codes?)|paypal money|robux|v-?bucks|amazon (?:codes?|gift cards?)|google play (?:codes?|cards?))\b"),
        ("dinero", _OFFER_ES_PT + r"(?:gana|ganar|generar|genera) (?:mucho |mas |un )?dinero (?:facil|desde casa|en internet|por internet|online|rapido|extra|sin invertir|hoy)\b"),
        ("dinheiro", _OFFER_ES_PT + r"(?:ganhe|ganhar|fature|faturar) (?:muito |mais |um )?dinheiro (?:facil|em casa|de casa|na internet|pela internet|online|rapido|extra|sem investir|hoje)\b"),
    ),
    # Empty praise: common in link spam, but genuine readers say it too. Not evidence.
    "praise": (
        ("great|nice|awesome|amazing|wonderful|informative|useful|excellent", r"\b(?:great|nice|awesome|amazing|wonderful|informative|useful|excellent) (?:post|article|blog|content|read|write-?up|information|info)\b"),
        ("thanks|thank|keep", r"\bthanks? (?:you )?for (?:sharing|this (?:post|article|information))\b|\bkeep up the (?:good|great) work\b"),
        ("excelente|gran|buen|gracias", r"\b(?:excelente|gran|buen|muy buen) (?:articulo|post|blog|contenido)\b|\bgracias por compartir\b"),
        ("otimo|excelente|muito|bom|obrigado|obrigada&post|artigo|conteudo|blog|compartilhar", r"\b(?:otimo|excelente|muito bom|bom) (?:post|artigo|conteudo|blog)\b|\bobrigad[oa] por compartilhar\b"),
    ),
}  # fmt: skip
# Russian, the language of much of the chat-group spam that reaches comment forms (the Telegram
# samples): read only when a body has Cyrillic letters. Stems stand for the many inflected forms,
# so these run on the folded text without trigger words. Written with those samples in view:
# their measured share is optimistic (docs/spam.md).
CYRILLIC_PHRASES: dict[str, tuple[str, ...]] = {
    "contact": (
        r"\bпиш(?:и|ите|у)\b.{0,30}?(?:\bлс\b|личк|личн|директ|телегр|админ)",
        r"\bв (?:лс|личку|личные сообщения|директ)\b",
        r"\bнапиши(?:те)? (?:в поиск|мне|админу)",
        r"(?:ссылк\w*|подробн\w*|инф\w*) в (?:профиле|описании|био)\b|\bв описании профиля",
    ),
    "job": (
        r"\bнабор (?:в (?:команду|проект)|людей|сотрудник|партн[её]р)",
        r"\bнабира(?:ю|ем)\b.{0,30}?(?:в команду|в проект|людей|партн[её]р)",
        r"\bищ(?:у|ем)\b.{0,30}?(?:в команду|людей|партн[её]р|коллег|сотрудник|ассистент|администратор|человек)",
        r"\bудал[её]нн\w{0,4} (?:заработ|работ|деятельност|формат|занятост|основ)",
        r"\bзаработ(?:ок|ка|ком)\b|\bдоход\w{0,3} (?:от|до)\b",
        r"\bтребу(?:ется|ются) (?:срочно )?(?:сотрудник|менеджер|курьер|администратор|люди)",
        r"\bбез опыта\b|\bопыт не (?:нужен|требуется|обязателен)|\bбесплатн\w{0,3} обучени|\bобуча\w{0,3} бесплатно",
        r"\bс (?:тебя|вас),? телефон|\bзаработа(?:ть|ешь|ете)\b.{0,40}?(?:\$|usdt|руб|₽|в день|в неделю|за сутки)",
        r"\bнужен (?:срочно )?(?:\w+ )?человек|\b\d(?:[.,]\d)?(?:-\d)? час(?:а|ов)? (?:в день|в сутки|свободного)",
    ),
    "promotion": (r"\bнакрут\w*|\bпрода(?:м|ю|ем) (?:рекламу|аккаунт)|\bотпишите\b",),
    "adult": (
        r"\bинтим\w*|\bэскорт\w*|\bфот(?:о|очки) без тр[уy]с|\bгол(?:ые|ых) фото|\bобнаж[её]нн\w{0,3} фото",
    ),
    "investment": (
        r"\bфальш\w{0,4} (?:рубл|доллар|купюр|валют)|\bподдельн\w{0,4} (?:валют|купюр|деньг)",
        r"\bставк\w{0,2} на тотал|\bпрогноз\w{0,3} (?:от|из|по линии|на матч|в лайве) ",
        r"\bзаработ\w{0,4} на (?:крипт|разниц|бирж)|\bцифров\w{0,3} (?:актив|валют)|\bпассивн\w{0,3} (?:доход|источник)",
    ),
}
_CYRILLIC_PATTERNS = {
    family: re.compile("|".join(f"(?:{p})" for p in patterns))
    for family, patterns in CYRILLIC_PHRASES.items()
}
_CYRILLIC = re.compile("[\u0400-\u04ff]")
NOT_EVIDENCE = frozenset({"praise"})
# Families that count towards the spam folder but are not model inputs, and the family each is
# reported as.
GATE_ONLY = frozenset({"self_promotion", "easy_money"})
REPORTED_AS = {"self_promotion": "promotion", "easy_money": "job"}
MODEL_FAMILIES = tuple(family for family in PHRASES if family not in GATE_ONLY)


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    branches, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*branches, pattern[start:]]


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A phrase pattern.

    A leading `\\b` keeps Python's regex engine from skipping ahead to the pattern's first
    literal (15 times slower on a long comment): when every alternative starts with one, it is
    checked after the match instead.
    """

    rx: re.Pattern[str]
    bounded: bool

    @classmethod
    def compile(cls, pattern: str) -> _Pattern:
        branches = _branches(pattern)
        if all(branch.startswith("\\b") for branch in branches):
            return cls(re.compile("|".join(branch[2:] for branch in branches)), True)
        return cls(re.compile(pattern), False)

    def search(self, folded: str) -> re.Match[str] | None:
        if not self.bounded:
            return self.rx.search(folded)
        for match in self.rx.finditer(folded):
            start = match.start()
            if start == 0 or not (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                return match
        return None


_PATTERNS: dict[str, tuple[_Pattern, ...]] = {
    family: tuple(_Pattern.compile(p) for _, p in patterns) for family, patterns in PHRASES.items()
}
# trigger word -> (family, pattern index) pairs to try. Trigger words "a|b&c|d" name two sets,
# each of which any match contains a word of: the pattern runs only when the comment has both
# (a long comment nearly always says "now" or "video"; far fewer say "buy now" or "my video").
_TRIGGERS: dict[str, list[tuple[str, int]]] = {}
_ALSO_NEEDED: dict[tuple[str, int], tuple[frozenset[str], ...]] = {}
for _family, _patterns in PHRASES.items():
    for _index, (_words, _) in enumerate(_patterns):
        _first, *_others = _words.split("&")
        for _word in _first.split("|"):
            _TRIGGERS.setdefault(_word, []).append((_family, _index))
        if _others:
            _ALSO_NEEDED[(_family, _index)] = tuple(frozenset(o.split("|")) for o in _others)


def phrases(folded: str, words: Iterable[str]) -> dict[str, re.Match[str]]:
    """The first match of each phrase family in a folded body whose words (as the text model
    tokenizes them) are `words`."""
    candidates: set[tuple[str, int]] = set()
    present = words if isinstance(words, (set, frozenset)) else set(words)
    for word in present:
        found = _TRIGGERS.get(word)
        if found:
            candidates.update(found)
    matches: dict[str, re.Match[str]] = {}
    for family, index in sorted(candidates):
        if family in matches:
            continue
        needed = _ALSO_NEEDED.get((family, index))
        if needed and any(present.isdisjoint(group) for group in needed):
            continue
        if match := _PATTERNS[family][index].search(folded):
            matches[family] = match
    if not folded.isascii() and _CYRILLIC.search(folded):
        for family, rx in _CYRILLIC_PATTERNS.items():
            if family not in matches and (match := rx.search(folded)):
                matches[family] = match
    return matches
