"""Phrase banks for ``make_sample.py``: the fictional shop, its policies and the support templates.

Brightwell is invented for this project: an online shop for smart-home devices with a companion app
and three subscription plans. Every fact below is the "policy" that good answers follow and that the
"wrong" rejected answers of the preference set contradict.

Templates use ``str.format`` slots ({product}, {order}, {plan}, ...). A block whose first element is
"?" is optional. A user template may start with a case marker such as "[annual] "; an answer sentence
marked "[annual|trial] " is only used for those cases, and unmarked sentences fit every case. Assistant text must not contain the guideline's apology, refusal or forbidden phrases
(the generator checks it), so those appear only where a defect is injected on purpose.
"""

PRODUCTS = [
    "Halo Video Doorbell", "Aura Smart Bulb (4-pack)", "Nimbus Air Purifier", "Orbit Robot Vacuum",
    "Vela Smart Thermostat", "Kite Indoor Camera", "Kite Outdoor Camera", "Tempo Wireless Earbuds",
    "Lumen Desk Lamp", "Cascade Water Filter", "Pulse Fitness Band", "Atlas Mesh Router",
    "Ember Smart Plug (2-pack)", "Drift Smart Speaker", "Glide Smart Blinds", "Sentry Door Sensor",
]
DEVICES = ["Halo Video Doorbell", "Aura Smart Bulb", "Nimbus Air Purifier", "Orbit Robot Vacuum",
           "Vela Smart Thermostat", "Kite Indoor Camera", "Kite Outdoor Camera", "Drift Smart Speaker",
           "Glide Smart Blinds", "Ember Smart Plug", "Sentry Door Sensor"]
CAMERAS = ["Kite Indoor Camera", "Kite Outdoor Camera", "Halo Video Doorbell"]
BATTERY_CAMERAS = ["Kite Outdoor Camera", "Halo Video Doorbell"]
INTERNATIONAL = [("Switzerland", "CHF 38.50"), ("Norway", "NOK 420"), ("Japan", "¥4,800"), ("Singapore", "S$31.20"),
                 ("New Zealand", "NZ$44.00"), ("Mexico", "MX$690"), ("South Africa", "R 610"), ("Iceland", "ISK 5,900")]
PLANS = [("Basic", "4.99", "49.90"), ("Plus", "9.99", "99.90"), ("Pro", "19.99", "199.90")]
COUNTRIES = [
    ("the United States", "$", "UPS", "Denver", 1), ("the United States", "$", "USPS", "Austin", 1),
    ("the United Kingdom", "£", "Royal Mail", "Leeds", 2), ("the United Kingdom", "£", "DPD", "Bristol", 2),
    ("Germany", "€", "DHL", "Cologne", 2), ("France", "€", "Colissimo", "Lyon", 2),
    ("Spain", "€", "Correos", "Valencia", 2), ("the Netherlands", "€", "PostNL", "Utrecht", 2),
    ("Ireland", "€", "An Post", "Cork", 2), ("Canada", "CA$", "Canada Post", "Calgary", 1),
    ("Australia", "A$", "Australia Post", "Brisbane", 1), ("Italy", "€", "BRT", "Turin", 2),
]
NAMES = ["Maria", "James", "Aisha", "Lukas", "Sofia", "Tom", "Priya", "Jonas", "Emma", "Mateo", "Chloe",
         "Daniel", "Yuki", "Oliver", "Fatima", "Noah", "Lea", "Marco", "Hannah", "Ben", "Grace", "Ravi",
         "Ines", "Kofi", "Sara", "Peter", "Mei", "Carlos", "Nora", "Ahmed", "Julia", "Sam"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
ERRORS = ["E-104", "E-221", "E-317", "ERR_PAIRING_TIMEOUT", "ERR_CLOUD_UNREACHABLE", "E-502"]
PHONES = ["iPhone 13", "iPhone 15", "Pixel 7", "Galaxy S22", "Galaxy A54", "OnePlus 11", "iPad Air", "Pixel 8"]
ROUTERS = ["a Fritz!Box", "an Eero mesh system", "a TP-Link Archer", "the router from my ISP", "a Netgear Orbi",
           "a Vodafone hub", "a BT Smart Hub"]
ROOMS = ["living room", "hallway", "kitchen", "bedroom", "garage", "home office", "nursery", "porch"]
PROMOS = [("SPRING20", "20"), ("WELCOME10", "10"), ("BFRIDAY25", "25"), ("STUDENT15", "15")]
COLOURS = ["white", "black", "sage green", "graphite", "sand"]

SYSTEM_PROMPTS = [
    "You are Brightwell's customer support assistant. Answer clearly and politely, follow company policy, "
    "and never ask for full card numbers or passwords.",
    "You are a helpful support agent for Brightwell, an online store for smart-home devices and the "
    "Brightwell Home app. Keep answers concise and accurate.",
    "You are the Brightwell Help assistant. Be friendly, professional and specific. If you need more "
    "information, ask one clear question.",
    "Role: Brightwell customer care. Tone: warm but efficient. Policies: 30-day returns, refunds in 5-10 "
    "business days, 2-year warranty in the EU and UK, 1 year elsewhere.",
    "You help Brightwell customers with orders, billing, accounts and devices. Do not promise anything that "
    "is not in the policy, and keep personal data out of your replies.",
    "You are a support specialist at Brightwell. Write in plain language, use numbered steps only when the "
    "customer has to follow a procedure, and end with a clear next step.",
]

USER_GREETINGS = ["", "", "", "Hi, ", "Hello! ", "Hi there,\n", "Hey, ", "Good morning,\n\n", "Hello team,\n\n"]
USER_CONTEXT = ["", "", "", "", "I've been a customer for about three years and never had this before. ",
                "Sorry if this was asked before, I couldn't find it in the help centre. ",
                "Quick question. ", "I'm writing from my phone so this is short. ",
                "This is my second message about this. ", "I tried the FAQ first. "]
USER_SIGNOFFS = ["", "", "", "", "\n\nThanks,\n{name}", " Thanks, {name}", "\n\n{name}", " Thanks in advance!",
                 " Cheers.", " Appreciate the help."]

OPENERS = [
    "", "", "Thanks for getting in touch.", "Happy to help with this.", "Thanks for the clear description.",
    "Thanks for flagging this.", "Let's get this sorted.", "Thanks for your message.", "Thanks for the details.",
    "Here's what's going on and what to do next.", "Good question.", "Thanks for reaching out about this.",
]
NAMED_OPENERS = ["Hi {name},", "Hi {name}, thanks for getting in touch.", "Hello {name},",
                 "Thanks for the message, {name}.", "Hi {name} — happy to help."]
CLOSERS = [
    "", "If anything still looks off after that, reply to this message and we'll pick it up from here.",
    "Let me know how it goes; we're here if you need anything else.",
    "If you have any other questions, reply here and a member of the team will get back to you.",
    "Hope that helps! Write back any time if something isn't clear.",
    "Feel free to write back if you get stuck on any step.",
    "We'll keep this ticket open for a few days in case you need us.",
    "Anything else we can do, just let us know.",
    "Have a good {weekday}, and let us know if there's anything else.",
    "If the problem comes back, reply with a short description and we'll escalate it to a specialist.",
]
SIGNATURES = ["", "", "", "", "", "\n\nBest,\nSam from Brightwell Support", "\n\nKind regards,\nBrightwell Support",
              "\n\n— Alex, Brightwell Customer Care"]

# Vague first messages and the agent's clarifying questions, used for clarification-style conversations.
VAGUE = {
    "billing": ["I have a question about billing.", "Hi, quick billing question.",
                "Can someone help me with my subscription?", "Question about a payment.", "Billing question again."],
    "account": ["I have a question about my account.", "Need help with my account.", "Account question."],
    "shipping": ["I have a question about delivery.", "Question about shipping.", "Hi, I need some help with an order."],
    "returns": ["I have a question about returns.", "Question about sending something back.", "Need help with a return."],
    "technical": ["I need some help with my device.", "Question about the app.", "Having some trouble with my setup."],
    "product": ["I have a question about one of your products.", "Quick product question before I buy."],
    "other": ["I have a general question.", "Who do I talk to about something that isn't an order?"],
}
CLARIFY = [
    "Happy to look into it. Could you tell me a bit more about what you're seeing — which product or plan "
    "it concerns, and the order number if there is one (it starts with BW-)?",
    "Thanks for reaching out. So I can point you in the right direction, what exactly happened, and roughly "
    "when? An order number helps if you have one.",
    "Sure. Could you describe the problem in a sentence or two, and let me know which device or plan it's "
    "about? Please don't send passwords or full card numbers.",
    "I can help with that. What are you trying to do, and what happens instead?",
]
DETAIL_PREFIXES = ["Sure. ", "OK so, ", "Yes — ", "", "Right. ", "Of course. "]

INTENTS = []


def intent(cat, key, user, body, steps=None, followups=None):
    INTENTS.append({"cat": cat, "key": key, "user": user, "body": body, "steps": steps or [],
                    "followups": followups or []})


# ---------------------------------------------------------------------------------------------- billing
intent("billing", "double_charge", [
    "I was charged twice for my {plan} subscription this month: two payments of {cur}{price} on {date}. "
    "Can you refund one of them?",
    "My bank statement shows {cur}{price} taken twice on {date} for Brightwell. I only have one account. "
    "What happened?",
    "Why do I see two identical charges of {cur}{price}? I only renewed once. Order {order}.",
    "Looks like you billed my card ending {last4} twice for the {plan} plan. Please fix this.",
], [
    ["When a charge appears twice, the usual cause is a pending authorisation that your bank hasn't released "
     "yet: we place a temporary hold when the renewal starts and then capture the payment, and for a day or "
     "two both lines can be visible.",
     "Two identical amounts on the same day usually mean one of them is an authorisation hold rather than a "
     "real payment. Banks normally release those holds within three to five business days, with nothing "
     "needed from you.",
     "Duplicates like this typically come from a renewal that was retried after a timeout. The first attempt "
     "can stay visible as a pending hold even though only the second one was actually captured."],
    ["Looking at the billing history for your {plan} subscription, there is a single captured payment of "
     "{cur}{price} on {date}; the second line is the hold, and it will drop off your statement by itself.",
     "The records for this account show one payment of {cur}{price} on {date}, which means the other entry "
     "is a hold that your bank will release.",
     "On our side there were two attempts on {date} but only one of them went through, so the second "
     "amount was never collected."],
    ["If both entries are still there after five business days, reply with a screenshot of the statement "
     "(blur everything except the two lines and the date) and we will refund the duplicate straight away.",
     "Should both charges turn out to be real, we refund the extra one in full; you don't need to cancel or "
     "change anything on your side.",
     "If your bank confirms that both were settled, send us the date and amount of each and the billing "
     "team will return the duplicate the same day."],
    ["?", "Refunds go back to the card ending {last4} and usually show up within 5-10 business days, depending "
     "on your bank.",
     "Your plan stays active the whole time, so there's no interruption to the app or your devices while "
     "this is sorted out.",
     "You can always see what we actually charged under Settings > Billing > Invoices: every captured "
     "payment has its own invoice, while holds never generate one."],
], followups=[
    (["Thanks. Will this happen again next month?", "OK, and is there a way to stop this from happening again?"],
     ["It shouldn't. The double line came from a retried renewal, which only happens when the first attempt "
      "times out at the bank. If you want fewer surprises, switching to annual billing means one charge a year, "
      "and you save roughly two months compared with paying monthly.",
      "Retries are rare and only occur when your bank takes too long to answer. Keeping the card details up "
      "to date in Settings > Billing > Payment method helps, because an expired card is the most common reason "
      "for a slow response."]),
])

intent("billing", "refund_status", [
    "I returned my {product} on {date} and still haven't got my refund. Order {order}. When will I see the money?",
    "How long do refunds take? It's been {n} days since you confirmed my return of the {product}.",
    "Where is my refund for order {order}? The tracking says you received the parcel last week.",
    "You said my refund of {cur}{amount} was approved but nothing has arrived on my card ending {last4}.",
], [
    ["Refunds are issued once the warehouse has checked the returned item, which normally happens within "
     "two business days of delivery.",
     "Every refund goes through a short inspection step first: the warehouse confirms the {product} arrived "
     "complete, and then finance releases the money.",
     "The timing has two parts: the warehouse inspection after the parcel arrives, and then the time your "
     "bank needs to post the credit."],
    ["For order {order}, the refund of {cur}{amount} was released on {date2}, so it is now with your bank.",
     "I can see the return for {order} was inspected and the refund of {cur}{amount} was sent on {date2}.",
     "Your return is marked as received and approved; the refund of {cur}{amount} left us on {date2}."],
    ["Banks usually take 5-10 business days to show a refund, and some card issuers list it as a credit "
     "rather than a reversed payment, so it's worth checking for a line with a different description.",
     "From the release date it typically takes 5-10 business days for the amount to appear, depending on "
     "your bank; weekends and public holidays don't count.",
     "Most customers see the credit within 5-10 business days. If you paid with PayPal, it's usually faster, "
     "often within a day or two."],
    ["?", "If it hasn't appeared by {date3}, reply here and we'll send you the refund reference (the ARN) so "
     "your bank can trace it.",
     "Should it still be missing after ten business days, we can give you a payment reference that your bank "
     "can use to locate the credit.",
     "If the card ending {last4} has since been cancelled, don't worry: the bank will route the credit to the "
     "replacement card or the underlying account."],
], followups=[
    (["Can you send the refund to a different card instead?", "Could I get store credit instead, would that be faster?"],
     ["Once a refund has been released it can only go back to the original payment method; that's a rule "
      "of the card networks rather than ours. If the original card is closed, the bank forwards the money to "
      "your account, so nothing gets lost.",
      "Store credit is instant, but since this refund has already been sent to your card it can't be "
      "converted any more. For future returns you can pick store credit in the return form, and it appears "
      "in your account within an hour of the inspection."]),
])

intent("billing", "update_card", [
    "[card] How do I change the card my subscription is charged to? My old one expires at the end of {month}.",
    "[card] I got a new bank card. Where do I update the payment details for the {plan} plan?",
    "[card] Need to replace the card on file (ending {last4}) with a new one. How?",
    "[paypal] Can I switch my Brightwell subscription from card to PayPal?",
], [
    ["You can update the payment method yourself in a minute, and the change applies to the next renewal.",
     "Changing the card is quick and doesn't affect your plan or devices in any way.",
     "Updating the payment details is done in the app or on the website, and it takes effect right away."],
    ["[card] Open the Brightwell Home app, go to Settings > Billing > Payment method and choose \"Replace card\". "
     "Enter the new details and save.",
     "[card|paypal] On the website, sign in, open Account > Billing > Payment method, click \"Replace\" and follow the "
     "prompts; your bank may ask you to confirm with a code.",
     "[card|paypal] In Settings > Billing > Payment method you'll see the card ending {last4}; tap it, pick \"Replace\", and "
     "add the new card or connect PayPal."],
    ["The next {plan} renewal on {date} will be charged to the new method, and the old card is removed "
     "from your account.",
     "We don't charge anything when you add a card; some banks show a temporary {cur}0.00 or {cur}1.00 "
     "verification that disappears within a few days.",
     "Your invoices will show the new payment method from the next billing date onward."],
    ["?", "PayPal, Visa, Mastercard and American Express are all supported, and Apple Pay works on iPhone.",
     "If you ever need the old card back, you can switch again at any time under the same menu.",
     "For security, we never ask for the full card number by email or chat, so the app is the place to "
     "enter it."],
], followups=[
    ("card", ["Done, thanks. Do I need to do anything with the old card?"],
     ["No, nothing else is needed. The old card is detached from your account as soon as you save the new one, "
      "and any future renewal goes to the new method. You can confirm it in Settings > Billing > Payment method."]),
])

intent("billing", "invoice", [
    "Where can I download the invoices for my {plan} subscription? My accountant needs them for {month}.",
    "[vat] I need a VAT invoice with my company name and VAT number for order {order}. Can you add it?",
    "How do I get a PDF receipt for order {order}? The confirmation email doesn't have one.",
    "Can you resend the invoice for {cur}{amount} from {date}? I deleted the email.",
], [
    ["Every payment has an invoice you can download at any time, so you don't need to wait for an email.",
     "Invoices are kept in your account for seven years, and you can download any of them as a PDF.",
     "You can get both the subscription invoices and the order invoices yourself from your account."],
    ["Go to Settings > Billing > Invoices in the app, or Account > Billing > Invoices on the website, and "
     "tap the date you need; the PDF downloads immediately.",
     "Under Account > Orders, open order {order} and choose \"Download invoice\" at the bottom of the page.",
     "For subscription charges, open Settings > Billing > Invoices and select {month}; for hardware orders "
     "the invoice sits on the order page."],
    ["[vat] To add company details, go to Account > Billing > Invoice details, enter the company name, address and "
     "VAT number, and then regenerate the invoice from the order page.",
     "If you need a company name or VAT number on it, add them under Invoice details first; invoices created "
     "afterwards, and any you regenerate, will include them.",
     "Business customers in the EU who add a valid VAT number get reverse-charge invoices for future orders."],
    ["?", "Regenerated invoices keep the original number and date, which is what most accountants need.",
     "If your accountant needs a single statement for several months, the \"Export all\" button gives you a "
     "CSV with every payment.",
     "Invoices are issued by Brightwell Europe B.V. for EU orders and Brightwell Inc. for orders elsewhere."],
], followups=[
    (["And can I get invoices sent to a different email automatically?"],
     ["Yes. Under Account > Billing > Invoice details there's a field called \"Send invoices to\"; add your "
      "accountant's address there and every new invoice is emailed to both addresses. It doesn't change the "
      "login email or where other notifications go."]),
])

intent("billing", "upgrade_proration", [
    "If I upgrade from {plan} to {plan_up} halfway through the month, what do I pay?",
    "[charged] I just upgraded to {plan_up} and got charged {cur}{prorated}, which isn't the full price. Why?",
    "What happens to my billing if I move from the {plan} to the {plan_up} plan today?",
    "Thinking about going from {plan} to {plan_up}. Will I lose the days I already paid for?",
], [
    ["Upgrades are prorated, so you only pay the difference for the days left in the current billing period.",
     "When you upgrade, we credit the unused part of your current plan and charge the new plan for the "
     "remaining days, so you never pay twice for the same period.",
     "Nothing is lost when you upgrade: the days you already paid for are credited against the new plan."],
    ["As an example, moving from {plan} ({cur}{price} a month) to {plan_up} ({cur}{price_up} a month) with "
     "half the month left costs roughly half the difference, charged on the day you upgrade.",
     "[charged] That's why the charge was {cur}{prorated} rather than {cur}{price_up}: it covers only the rest of the "
     "current period at the {plan_up} rate, minus what was left of {plan}.",
     "The exact amount is shown on the confirmation screen before you accept, so there are no surprises."],
    ["From the next renewal date on you pay the normal {plan_up} price of {cur}{price_up} a month.",
     "Your renewal date stays the same, and from then on the full {plan_up} price applies.",
     "The new features are available as soon as the upgrade is confirmed, usually within a minute."],
    ["?", "Downgrades work differently: they take effect at the end of the current period, and there is no "
     "partial refund.",
     "If you're on annual billing, the same rule applies, only the credit is calculated over the year.",
     "The invoice for the upgrade lists the credit and the new charge on separate lines, if you'd like to "
     "check the numbers."],
])

intent("billing", "cancel_subscription", [
    "How do I cancel my {plan} subscription? I don't want to be charged again on {date}.",
    "I want to cancel Brightwell {plan}. Will my cameras stop working?",
    "[moving] Please cancel my subscription, I'm moving to {country} and won't need it.",
    "[refund] Cancel my plan. I was charged {cur}{price} yesterday and didn't mean to renew — can I get that back?",
], [
    ["You can cancel at any time in the app, and you keep the plan features until the end of the period you "
     "paid for.",
     "Cancelling is done from your account and takes effect at the end of the current billing period.",
     "There's no cancellation fee, and you can restart the plan later without losing your settings."],
    ["Go to Settings > Billing > Subscription, choose \"Cancel plan\" and confirm; you'll get an email "
     "straight away.",
     "In the app, open Settings > Billing > Subscription and tap \"Cancel plan\". On the website the same "
     "option is under Account > Subscription.",
     "To cancel, open Settings > Billing > Subscription, pick \"Cancel plan\", and choose a reason if you "
     "like (it's optional)."],
    ["Your devices keep working without a plan: live view, notifications and basic automations are free. "
     "What stops is cloud video history and the extra features of {plan}.",
     "Without a subscription, devices like the {device} still work locally; only cloud recording and "
     "premium automations are switched off.",
     "Your recordings stay available until the period ends, so download anything you want to keep before "
     "{date}."],
    ["If a renewal happened in the last 14 days and you haven't used the new period, we refund it in "
     "full: reply here after cancelling and we'll process it.",
     "[refund] Renewals charged in the last 14 days can be refunded on request, which would cover the "
     "{cur}{price} from yesterday.",
     "[moving] Moving abroad doesn't require cancelling, by the way; the plan works in every country we ship to."],
], followups=[
    ("refund", ["Cancelled. Can you refund the last payment then?"],
     ["Yes. The renewal was within the last 14 days and the new period hasn't been used, so it qualifies. "
      "I've requested a full refund of the renewal; you'll get a confirmation email today, and the money usually "
      "reaches your card within 5-10 business days."]),
])

intent("billing", "failed_payment", [
    "My payment failed and now the app says my {plan} plan is paused. The card ending {last4} is fine, I "
    "checked with my bank.",
    "Got an email saying payment declined for Brightwell. What do I do? I don't want to lose my recordings.",
    "Why does my renewal keep failing? It's the same card as always.",
    "Your system says my payment didn't go through on {date}, but I have money in the account.",
], [
    ["When a renewal fails we retry it automatically three times over seven days, and the plan only pauses "
     "after the last attempt.",
     "A declined renewal doesn't delete anything: recordings and settings are kept for 30 days while the plan "
     "is paused.",
     "Failed renewals are usually caused by the bank's fraud checks rather than by the balance, especially "
     "for recurring charges from abroad."],
    ["The most common fixes are approving the payment in your banking app, or re-entering the card under "
     "Settings > Billing > Payment method, which triggers a fresh authorisation.",
     "Many banks now require a one-time confirmation for subscriptions; re-adding the card in Settings > "
     "Billing > Payment method usually prompts that confirmation.",
     "If the card details are right, ask your bank whether recurring payments to Brightwell Europe B.V. are "
     "blocked; that name is what appears on statements."],
    ["Once the payment succeeds, the {plan} plan resumes automatically and your cloud history is exactly "
     "as it was.",
     "As soon as a payment goes through, everything comes back within a few minutes, including the video "
     "history.",
     "After a successful retry there's nothing else to do; the plan unpauses on its own."],
    ["?", "You can also trigger a retry yourself with the \"Pay now\" button on the billing page.",
     "If you'd rather avoid card issues altogether, PayPal is supported as a payment method too.",
     "The next automatic retry is scheduled for {date2}, in case you prefer to wait."],
])

intent("billing", "unexpected_charge", [
    "[annual] I just got charged {cur}{price_annual} for Brightwell. I thought I was on a monthly plan?",
    "[annual] There's a charge of {cur}{price_annual} from BRIGHTWELL*HOME on {date} that I don't recognise. "
    "What is it?",
    "[trial] Why was I billed for {plan} when I thought my free trial was still running?",
    "[trial] Got charged {cur}{price} for the {plan} plan on {date}. I never signed up for a subscription, I only "
    "bought a {product}!",
], [
    ["Charges from us show up as BRIGHTWELL*HOME for subscriptions and BRIGHTWELL*SHOP for hardware orders, "
     "which helps narrow it down.",
     "Let's work out what this was: our charges appear on statements as BRIGHTWELL*HOME or BRIGHTWELL*SHOP.",
     "[annual] The amount tells us a lot: {cur}{price_annual} is exactly the yearly price of {plan}."],
    ["[annual] Looking at the account, the charge on {date} is the renewal of the {plan} plan, which was set to "
     "annual billing when it was first taken out.",
     "[trial] The trial that came with the {product} lasted 30 days from activation, and the first {plan} payment "
     "was taken when it ended on {date}.",
     "[trial] This was the first charge after the free trial: the trial started when the device was set up, not "
     "when it was delivered."],
    ["If you didn't intend to keep the plan, cancel it under Settings > Billing > Subscription and reply "
     "here; charges from the last 14 days are refunded in full if the plan wasn't used.",
     "[annual] You can switch to monthly billing from the same page; the change applies from the next renewal.",
     "[annual] We send a reminder email seven days before any annual renewal; it may have landed in a spam folder, so "
     "adding our address to your contacts helps."],
    ["?", "If you can't find a Brightwell account that matches the charge at all, tell your bank it's unknown; "
     "they'll block the card and we'll cooperate with their investigation.",
     "If none of this matches, reply with the exact amount and date (no card number needed) and we'll search "
     "by transaction instead.",
     "Household members can't buy plans with your card unless they have the owner role, so that's unlikely "
     "to be the cause."],
])

intent("billing", "promo_code", [
    "[invalid] My promo code {promo} didn't work at checkout for the {product}. It says invalid but the email "
    "says it's valid until {month}. I ended up ordering anyway, order {order}.",
    "[missed] I forgot to enter the {promo} code when I ordered the {product}. Can you apply it now? Order {order}.",
    "[rules] Does the {promo_pct}% discount from {promo} apply to subscriptions or only hardware?",
    "[rules] Can I use two discount codes on one order? I have {promo} and a student code.",
], [
    ["Codes like {promo} apply to hardware only, not to subscriptions, and they can't be combined with "
     "items that are already on sale.",
     "[invalid|rules] Most codes are limited to one per order and exclude items already discounted, which is the "
     "usual reason for the \"invalid\" message.",
     "The {promo} code takes {promo_pct}% off eligible hardware; subscription plans aren't eligible."],
    ["[missed|invalid] Since the order {order} was placed in the last 14 days and the code was valid then, we "
     "can apply it retroactively: the difference of {cur}{discount} will be refunded to the original payment "
     "method.",
     "[missed|invalid] For orders placed within 14 days, we honour a code that wasn't applied at checkout and "
     "refund the difference.",
     "[invalid] If the {product} was the only item in the basket and it wasn't on sale, the code should have "
     "worked; we can credit the discount after the fact.",
     "[rules] In practice that means a code like {promo} works on devices and accessories, while plan renewals "
     "always charge the regular price.",
     "[rules] When two codes are entered, the checkout keeps the one that gives the bigger discount."],
    ["[missed|invalid] The refund appears within 5-10 business days, and you'll get an updated invoice by email.",
     "[missed|invalid] Once the adjustment is made, you'll receive a revised invoice showing the discount.",
     "[missed|invalid] Nothing needs to be returned or re-ordered for this.",
     "[rules] Plans can still be had for less through annual billing, which costs the same as ten months of "
     "monthly payments.",
     "[rules] The checkout shows the discount line before you pay, so you can see which code was used."],
    ["?", "Only one code can be used per order, but the best available discount is applied automatically at "
     "checkout.",
     "Student and employee discounts stack with free shipping but not with other codes.",
     "If you have an unused code you'd like to keep for later, it stays valid until its expiry date."],
])

# ---------------------------------------------------------------------------------------------- account
intent("account", "password_reset", [
    "[noemail] I requested a password reset three times and no email arrives. What now?",
    "[expired] The password reset link says it expired. I clicked it right away!",
    "[noemail] Can't log in to the Brightwell app on my {phone}, forgot my password and the reset email isn't "
    "coming.",
    "[broken] Reset link doesn't work on my {phone}. It opens the app and then nothing happens.",
], [
    ["Reset emails normally arrive within two minutes and the link is valid for 60 minutes; only the most "
     "recent link works, so requesting several in a row invalidates the earlier ones.",
     "[expired] Each new request cancels the previous link, which is the usual reason a link looks expired even "
     "when it was clicked straight away.",
     "[noemail] The email is sent by Brightwell Support with the subject \"Reset your password\" and is often "
     "filtered into spam or a promotions tab."],
    ["[noemail|expired] Request one new link, wait a few minutes, and use only that one; if you use Gmail, check "
     "the Promotions and Spam folders too.",
     "[noemail|expired] Please check spam first, then request a single new link and open it on the same device "
     "you're resetting from.",
     "[expired|broken] On the {phone}, links sometimes open inside the mail app's browser; long-press the button and choose "
     "to open it in Safari or Chrome instead."],
    ["[noemail] If nothing arrives within ten minutes, make sure you're using the address you signed up with; a "
     "typo there is more common than you'd think.",
     "[noemail] Company mail servers sometimes hold automated messages for a while, so a personal address is faster "
     "if you have one on the account.",
     "Once you're back in, you can turn on two-factor authentication under Settings > Security."],
    ["?", "Your devices keep working while you're logged out, so there's no rush.",
     "If the app keeps showing the old session, sign out completely and back in after the reset.",
     "We never send reset links by chat, so this is the only way to get one."],
], followups=[
    ("noemail", ["Found it in spam, it worked. How do I stop them going there?"],
     ["Great. Marking the message as \"Not spam\" and adding Brightwell Support to your contacts "
      "usually fixes it for future emails. Security alerts and invoices come from the same address, so it's "
      "worth doing."]),
])

intent("account", "change_email", [
    "How do I change the email address on my account? I no longer use the old one.",
    "I want to update my login email to a new address. Is that possible without losing my devices?",
    "Can I change my account email? The old one is from my previous employer and I lost access.",
], [
    ["You can change the login email yourself, and nothing else in the account changes: devices, "
     "subscriptions and history all stay.",
     "Changing the email only affects how you log in and where we send messages; everything else is kept.",
     "Updating the address is done under Settings > Account > Email and takes a couple of minutes."],
    ["For security we confirm the change twice: a code goes to the current address and a link to the new "
     "one, and both have to be confirmed within 24 hours.",
     "Enter the new address, confirm the code we send to the old address, and then click the link in the "
     "email to the new one.",
     "The change is confirmed by a link to the new address and a code to the old one."],
    ["If you've lost access to the old address, choose \"Lost access to this email\" on the same screen; "
     "we'll then verify you with the last four digits of the card on file and a recent order number.",
     "Without access to the old mailbox, there's an alternative check using a recent order number and the "
     "billing postcode, which takes about a day.",
     "For lost mailboxes, the identity check uses details only the account owner has, such as a recent "
     "order and the device serial number."],
    ["?", "Your household members keep their access, and shared devices are not affected.",
     "Invoices already issued keep the old address; new ones use the new address.",
     "You'll be signed out on other devices after the change, as a safety measure."],
])

intent("account", "two_factor", [
    "[lost] I got a new phone and lost my authenticator app. Now I can't log in because of two-factor. Help!",
    "[setup] How do I turn on two-factor authentication for my Brightwell account?",
    "[codes] My 2FA codes are always rejected as invalid. The app on my {phone} shows a code but it doesn't work.",
], [
    ["[setup|lost] Two-factor authentication is set up under Settings > Security > Two-factor, with any authenticator app "
     "such as Google Authenticator, Microsoft Authenticator or 1Password.",
     "[setup] Turning on two-factor adds a six-digit code to each new login, and it's the best protection for an "
     "account with cameras on it.",
     "[codes] Codes are generated from the clock on your phone, so a wrong time setting is the most common reason "
     "for rejected codes."],
    ["[lost] If you saved the recovery codes when you enabled it, use one of them on the login screen (\"Use a "
     "recovery code\") and then set up the authenticator on the new phone.",
     "[lost] Without recovery codes, choose \"Lost access to my authenticator\" at login; we'll verify you with a "
     "recent order number and remove two-factor within one business day.",
     "[codes] On the {phone}, set the date and time to automatic and sync it; rejected codes almost always go "
     "away after that.",
     "[setup] Open Settings > Security > Two-factor, choose \"Set up\", scan the QR code with the authenticator app "
     "and type the six-digit code it shows to confirm."],
    ["[lost] After you're back in, go to Settings > Security > Two-factor and scan the new QR code; this replaces "
     "the old phone completely.",
     "Remember to store the new recovery codes somewhere safe, like a password manager.",
     "For safety, we send an email whenever two-factor is turned on or off."],
])

intent("account", "delete_account", [
    "[del] Please delete my account and all my data.",
    "[sold] How do I close my Brightwell account? I sold all my devices.",
    "[offline] I want to delete my account but keep the {device} working offline. Is that possible?",
], [
    ["[offline] Keeping the {device} without an account isn't possible, unfortunately: setup, updates and "
     "remote control all go through the account, so after deletion the device could only be factory reset.",
     "[offline] The short answer is no: the {device} needs an account for setup and control, so it would stop "
     "responding to the app once the account is gone.",
     "[del|sold] Account deletion is permanent after 30 days; until then, logging in again cancels it."],
    ["You can delete the account yourself under Settings > Account > Delete account; we then keep it in a "
     "30-day grace period before everything is erased.",
     "Deletion removes your profile, devices, recordings and history permanently after a 30-day grace "
     "period, during which you can still change your mind.",
     "Account deletion is permanent after 30 days; until then, logging in again cancels it."],
    ["Before deleting, remove each device from the account (Devices > select > Remove) so the next owner "
     "can set them up; a device still linked to a deleted account has to be reset by hand.",
     "Cancel any active plan first, otherwise the deletion screen will ask you to do it.",
     "If you've sold the devices, removing them from the account first makes the handover much easier for "
     "the buyers."],
    ["Devices can't be used without an account, because setup and updates go through the app; a factory "
     "reset returns them to a fresh state for someone else.",
     "Invoices are kept for seven years for tax reasons even after deletion, but they're no longer linked to "
     "a profile.",
     "You'll receive a confirmation email when the deletion is complete."],
])

intent("account", "household", [
    "How can I give my partner access to our cameras without sharing my password?",
    "Can my kids control the lights from their phones? I don't want them changing settings.",
    "I'd like to add my mum as a household member so she can see the {camera}. How?",
], [
    ["Household sharing lets you invite up to five people; each gets their own login, so nobody needs your "
     "password.",
     "Invite people under Settings > Household > Invite; they receive an email and create their own login.",
     "Shared access is free and works with every plan, including no plan at all."],
    ["There are two roles: Member, who can use devices and see live view, and Admin, who can also change "
     "settings and add devices.",
     "Pick the Member role for anyone who should only use the devices; only Admins can change automations "
     "or billing.",
     "Members can control lights and see cameras; they can't remove devices or change the plan."],
    ["You can limit which devices each person sees, for example giving access to the lights but not the "
     "{camera}.",
     "Access can be removed at any time from the same screen, and it takes effect immediately.",
     "Each member sees the activity history of the devices they have access to."],
])

# ---------------------------------------------------------------------------------------------- shipping
intent("shipping", "where_is_order", [
    "[recent] Where is my order {order}? Tracking hasn't updated since {date}.",
    "[recent] I ordered a {product} on {date} and it still hasn't arrived. Tracking number {tracking}.",
    "[late] My parcel ({order}) has been 'in transit' for {late_days} business days. Is it lost?",
    "[label] The tracking for {tracking} just says 'label created'. Has it even been shipped?",
], [
    ["Order {order} left our warehouse on {date} and was handed to {carrier}; tracking often pauses while a "
     "parcel moves between hubs, especially over a weekend.",
     "[label] When tracking stays on \"label created\", the parcel has been packed but the carrier hasn't scanned it "
     "yet; that first scan can take up to two business days.",
     "Parcels shipped with {carrier} sometimes skip scans between depots, so a gap of a few days doesn't "
     "mean it's lost."],
    ["[recent|label] Standard delivery to {country} takes 3-5 business days, so the parcel is still within the "
     "normal window.",
     "[recent|label] For standard shipping we consider a parcel late after seven business days; yours is not "
     "there yet.",
     "[late] Standard delivery to {country} takes 3-5 business days, so {late_days} business days is longer than "
     "it should be.",
     "Express orders arrive in 1-2 business days, standard in 3-5, and this one went standard."],
    ["[recent|label] If there's no movement by {date3}, we'll open an investigation with {carrier} and, if it's lost, send a "
     "replacement at no cost without waiting for the result.",
     "[recent|label] Should it still be stuck after seven business days, reply here and we'll ship a replacement "
     "right away.",
     "[late] We've opened an investigation with {carrier} today, and if there's no new scan within 48 hours we'll "
     "send a replacement at no cost.",
     "[recent|label] If nothing changes in the next two business days, we'll contact {carrier} for you and keep you updated."],
    ["?", "You can follow it with tracking number {tracking} on the carrier's website, which often shows more "
     "detail than our order page.",
     "Signing up for {carrier} delivery notifications lets you choose a safe place or a pickup point.",
     "Check whether a neighbour or the building's mail room took it in; carriers leave a card in that case."],
], followups=[
    (["OK. Can I change the delivery to a pickup point instead?",
      "Can you make sure they don't leave it at the door? It's not safe here."],
     ["Yes — once {carrier} has scanned the parcel, their tracking page offers \"Change delivery\", where you can "
      "pick a nearby pickup point or a safe place. We can't change it from our side once it's in transit, but the "
      "carrier option is free.",
      "You can add delivery instructions on the {carrier} tracking page, including \"signature required\" or a "
      "pickup point. For future orders, the checkout has a delivery note field for the same purpose."]),
])

intent("shipping", "change_address", [
    "I entered the wrong address for order {order}. Can you change it? It hasn't shipped yet I think.",
    "I'm moving next week. Can I change the delivery address for my {product} order?",
    "Typo in my street name on order {order}, please fix before it ships!",
], [
    ["Addresses can be changed until the order is packed, which usually happens within a few hours on "
     "business days.",
     "As long as the order shows \"Processing\", the address can still be edited.",
     "Order {order} is still in \"Processing\", so the address can be updated."],
    ["Open Account > Orders > {order} and choose \"Edit address\"; if the button is grey, the order has "
     "already been packed.",
     "The quickest way is the \"Edit address\" button on the order page, which updates the label before "
     "it's printed.",
     "Reply with the corrected address (street, number, postcode and city) and we'll update it before it "
     "ships."],
    ["If it has already shipped, {carrier} can usually redirect it through their tracking page, or it will "
     "come back to us and we'll reship it free of charge.",
     "Once shipped, a redirect through {carrier} is the fastest option; otherwise the parcel returns to us "
     "and we send it again.",
     "Should the parcel already be on its way, the carrier's redirect option still works in most cases."],
])

intent("shipping", "international", [
    "[ask] Do you ship to {intl}? And will I have to pay customs?",
    "[ask] I'm in {intl}. How long does delivery take and are there import fees?",
    "[paid] Ordered a {product} to {intl} and the courier wants {duty} in duties before delivery. Is that right?",
], [
    ["[ask] We ship to {intl}; standard delivery there takes 7-14 business days and express 3-5.",
     "[ask] Orders to {intl} go out with DHL Express and usually arrive within 7-14 business days.",
     "[ask] Yes, {intl} is on our shipping list, with delivery in 7-14 business days for standard shipping.",
     "[paid] Yes, that's expected for {intl}: duties are calculated by customs from the value of the {product} "
     "plus shipping, so {duty} is in the usual range."],
    ["Prices at checkout for the EU, the UK and the United States include duties and taxes; {intl} is outside "
     "those markets, so duties and local taxes are collected by the courier on delivery.",
     "For {intl}, import duties and local taxes aren't included in our price and are collected by the courier "
     "on delivery.",
     "Whether duties apply depends on the destination, and for {intl} the courier collects them on delivery."],
    ["Customs fees collected by the courier are set by local authorities, so we have no way to waive them, but "
     "the checkout shows an estimate for your country.",
     "You can see an estimate of duties at checkout after entering the address.",
     "[paid] Keep the courier's receipt: if you return the {product} within 30 days, we refund the item and you "
     "can reclaim the duties from customs with that receipt."],
])

intent("shipping", "delivered_not_received", [
    "Tracking says my {product} was delivered on {date} but I never got it.",
    "The parcel for order {order} shows as delivered, but nothing was at my door.",
    "{carrier} marked my order as delivered and it's not here. Neighbours don't have it either.",
], [
    ["Parcels marked delivered sometimes turn up a day later: drivers occasionally scan a stop early, or "
     "leave it with a neighbour or in a safe place.",
     "Before anything else, check the tracking for a photo or a note about where it was left; many carriers "
     "record it.",
     "A \"delivered\" status with nothing at the door is frustrating, and usually solvable."],
    ["If it hasn't appeared by the end of tomorrow, reply here and we'll file a claim with {carrier} and send "
     "a replacement straight away.",
     "After one business day, we'll treat it as missing: a replacement ships with express delivery, and we "
     "handle the claim with the carrier.",
     "Once 24 hours have passed, let us know and we'll reship the {product} without waiting for the carrier's "
     "investigation."],
    ["?", "For expensive items we can require a signature on the replacement, so it can't be left outside.",
     "You won't be charged for the replacement, and you don't need to file a police report.",
     "It helps to check with the building's mail room or reception if there is one."],
])

intent("shipping", "express", [
    "[cost] How much is express shipping to {country} and when would it arrive if I order today?",
    "[sameday] Is there same-day or next-day delivery? I need the {product} before {weekday}.",
    "[upgrade] Can I upgrade my order {order} to express after placing it?",
], [
    ["Express delivery to {country} costs {cur}9.95 and arrives in 1-2 business days; standard shipping is "
     "free above {cur}50.",
     "Orders placed before 2 pm on a business day ship the same day; with express, most arrive the next "
     "business day.",
     "We offer standard (3-5 business days, free above {cur}50) and express (1-2 business days, {cur}9.95)."],
    ["[sameday] Same-day delivery isn't offered, but express ordered before 2 pm on a {weekday_before} would normally "
     "arrive by {weekday}.",
     "[upgrade|cost] An existing order can be upgraded to express while it is still \"Processing\": open it under Account > "
     "Orders and choose \"Upgrade shipping\".",
     "[upgrade] If the order has already been packed, the shipping method can't be changed any more.",
     "[cost] Ordered before 2 pm today, the parcel leaves this afternoon and with express usually arrives the "
     "next business day."],
    ["?", "Express isn't available for large items like the Orbit Robot Vacuum to some islands and remote "
     "areas; the checkout shows it if your address qualifies.",
     "Deliveries aren't made on Sundays or public holidays.",
     "You'll get a tracking link by email as soon as the parcel leaves the warehouse."],
])

# ---------------------------------------------------------------------------------------------- returns
intent("returns", "how_to_return", [
    "How do I return the {product}? It works fine, I just don't need it.",
    "I want to return order {order}. Do I have to pay for shipping?",
    "What's your return policy? Bought a {product} {n} weeks ago and it's not for me.",
    "Can I return an opened {product}? I only tried it once.",
], [
    ["You can return any item within 30 days of delivery, opened or not, as long as it's complete and "
     "undamaged.",
     "Our return window is 30 days from delivery, and opened items are fine if all the parts are there.",
     "Returns are accepted within 30 days of delivery for any reason."],
    ["Start the return under Account > Orders > {order} > \"Return items\"; you'll get a prepaid label by "
     "email, and returns are free.",
     "Open the order, choose \"Return items\", select the reason, and print the prepaid label or show the QR "
     "code at a {carrier} drop-off point.",
     "The return form is on the order page; the label is free and can be printed or shown as a QR code."],
    ["Before sending it, remove the device from the app (Devices > {product} > Remove) so it can be reset "
     "at the warehouse.",
     "Please pack the {product} with its cable and accessories; the original box is nice but not required.",
     "Reset the {product} and remove it from your account before packing; otherwise the inspection takes "
     "longer."],
    ["Once the warehouse has checked the parcel, the refund goes to the original payment method within 5-10 "
     "business days.",
     "The refund is issued after inspection, usually within two business days of arrival, and then takes "
     "5-10 business days to show on your statement.",
     "You'll get an email when the parcel arrives and another one when the refund is released."],
])

intent("returns", "exchange", [
    "[colour] Can I exchange my {product} for the {colour} one?",
    "[other] I'd like to swap the {product} for the {product_b} and pay the difference. Possible?",
    "[size] Ordered the wrong size band for the Pulse Fitness Band. Can you just send the right one?",
], [
    ["Direct exchanges are available for a different colour or size of the same product; for a different "
     "product, the quickest way is a return plus a new order.",
     "A colour or size swap can be done as an exchange: we send the new item as soon as the return is "
     "scanned by the carrier.",
     "[colour|size] For the same product in another colour or size, choose \"Exchange\" in the return form instead of \"Refund\"."],
    ["[colour|size] Choose \"Exchange\" on the return form and pick the variant you want; the replacement ships as soon "
     "as {carrier} scans your return parcel.",
     "[other] If it's a different product, place a new order for the {product_b} and return the {product} with the "
     "free label; the refund follows after inspection.",
     "Exchanges don't cost anything extra when the price is the same, and the shipping both ways is free."],
    ["?", "[colour] If the {colour} version is out of stock, you can wait for the restock or take a refund instead.",
     "Exchanges must be started within the 30-day return window.",
     "You'll receive tracking for the new item by email."],
])

intent("returns", "warranty_defect", [
    "[fault] My {product} stopped working after {n} months. Is it under warranty?",
    "[crack] The {product} I bought last year has a crack in the casing and now won't turn on. What are my options?",
    "[fault] Defective {product}, it keeps restarting every few minutes. I live in {country}. Can I get a "
    "replacement?",
], [
    ["Devices bought in the EU and the UK have a 2-year warranty, and those bought in the United States, "
     "Canada and Australia have one year, counted from delivery.",
     "The warranty covers manufacturing faults for two years in the EU and UK and one year elsewhere.",
     "A {product} bought from us in {country} is covered for {warranty} from delivery."],
    ["[fault] Before we replace it, please try a factory reset (hold the reset button for ten seconds until the "
     "light flashes) and a different power adapter; that fixes a surprising number of restarts.",
     "[fault] A quick check first: does it behave the same with another cable and power adapter? If so, it's almost "
     "certainly a hardware fault.",
     "[crack] Physical damage like a cracked case isn't covered by the warranty, but if the crack appeared on its own "
     "from normal use, send us a photo and we'll assess it."],
    ["If it's still faulty, start a warranty claim under Account > Orders > \"Report a problem\"; we send a "
     "replacement first and a prepaid label for the faulty one.",
     "For warranty cases we ship the replacement before you return the old device, so you're never without "
     "it for long.",
     "The claim form asks for the serial number (on the back of the device or in the app under Device info) "
     "and a short description."],
    ["?", "Replacements are new devices and carry the remainder of the original warranty or 90 days, "
     "whichever is longer.",
     "Your settings can be moved to the replacement with \"Replace device\" in the app, so nothing needs to "
     "be set up from scratch.",
     "You don't need the original receipt; the order in your account is enough."],
])

intent("returns", "late_return", [
    "[late] The 30 days passed yesterday. Can I still return the {product}? It's barely used.",
    "[gift] I know it's a little past the 30 days, but the {product} was a gift and never opened. Any chance of a "
    "return?",
    "[late] I missed the return window for the {product} by a few days because I was travelling. Can you make an "
    "exception?",
], [
    ["The standard window is 30 days from delivery, and after that returns are normally not possible for "
     "items that work as intended.",
     "Returns outside 30 days are handled case by case, and a few days late with an unopened item is "
     "usually fine.",
     "Once the 30 days have passed, we look at each request individually."],
    ["As long as the {product} is complete and undamaged and it's only a few days over, we can accept it this time: reply \"yes\" "
     "and we'll email a prepaid label.",
     "[gift] For a gift, the refund can go to the original buyer or, if they prefer, to the recipient as store "
     "credit.",
     "If the item is faulty, the warranty applies regardless of the return window, and that route has no "
     "deadline issue at all."],
    ["?", "Store credit is also an option: it's issued as soon as the parcel is scanned and never expires.",
     "Gift receipts extend the window to 60 days for purchases made in November and December.",
     "Please include the order number {order} on a note in the parcel."],
])

# ---------------------------------------------------------------------------------------------- technical
intent("technical", "pairing", [
    "[err] The {device} won't pair with the app. It keeps failing at the last step with {error}.",
    "[router] Setup of my new {device} fails every time on my {phone}. I have {router}.",
    "Can't add the {device} to the Brightwell app, it just spins and then times out.",
    "[err] Pairing error {error} when I try to connect the {device} to Wi-Fi.",
], [
    ["Most pairing failures come from the Wi-Fi band: the {device} only connects to 2.4 GHz networks, and "
     "many routers combine 2.4 and 5 GHz under one name.",
     "[err] {error} during setup means the device reached the router but couldn't finish joining the network, "
     "which is nearly always a 2.4 GHz or password issue.",
     "A timeout at the last step usually means the phone switched back to mobile data while the device was "
     "joining the network."],
    ["[router] With {router}, you can split the bands in the router settings or temporarily turn off 5 GHz during "
     "setup; the device keeps working once it's connected.",
     "Keep the phone on the same Wi-Fi during setup, turn off mobile data and any VPN, and stay within a "
     "few metres of the router.",
     "Check that the Wi-Fi password has no leading or trailing spaces, and that the network isn't a guest "
     "network with device isolation."],
    ["Then reset the {device} (hold the button for ten seconds until the light blinks blue) and run "
     "Devices > Add device again.",
     "After that, remove the half-added device from the app if it appears, reset it, and start the setup "
     "again.",
     "Restarting the phone before the next attempt clears the Bluetooth cache, which helps on Android."],
    ["?", "If it still fails, send us the time of the attempt and the app version (Settings > About); the logs "
     "will show where it stops.",
     "Make sure the app is up to date; version {version} fixed several setup problems.",
     "Mesh systems sometimes steer the device to a far node; setting up next to the main router avoids that."],
], steps=[
    ["Turn off mobile data and VPN on the phone.", "Make sure the phone is on a 2.4 GHz network.",
     "Hold the reset button on the {device} for ten seconds.", "Open Devices > Add device and follow the prompts."],
    ["Update the Brightwell Home app to version {version}.", "Stand within a few metres of the router.",
     "Reset the {device} until the light blinks blue.", "Add it again from Devices > Add device."],
], followups=[
    (["That worked, thanks! Will it still work if I turn 5 GHz back on?",
      "Got it connected. Does the device need to stay close to the router?"],
     ["Yes. Once the {device} has joined the 2.4 GHz network it stays on that band, so you can re-enable "
      "5 GHz or merge the network names again. Only a new setup would need the separation.",
      "Not for normal use. It needs a signal strength of about two bars in the app (Device info > Wi-Fi); "
      "closer is only important during setup. If the signal is weak where you want it, a mesh node or a "
      "repeater in between helps."]),
])

intent("technical", "app_crash", [
    "[update] The app crashes every time I open the cameras tab since the update to {version}. I'm using it on my {phone}.",
    "Brightwell Home app keeps closing on my {phone}. Reinstalled twice already.",
    "[splash] After yesterday's update the app freezes on the splash screen.",
], [
    ["[update] Thanks for including the version; {version} had a bug on some devices that made the cameras tab crash "
     "when a camera was offline, and a fix is rolling out this week.",
     "A crash right after an update is often caused by cached data from the previous version, which a "
     "reinstall doesn't always clear.",
     "[splash] Freezes on the splash screen usually mean the app is waiting for the cloud, either because of the "
     "network or a stuck session."],
    ["Clearing the app cache (Android: Settings > Apps > Brightwell Home > Storage > Clear cache; iOS: "
     "offload the app in Settings > General > iPhone Storage) usually fixes it.",
     "Try signing out of the app, force-closing it, and signing in again; this refreshes the session.",
     "Please check that the phone's operating system is up to date; the app needs iOS 16 or Android 11 or "
     "newer."],
    ["If it keeps crashing, turn on Settings > About > Send diagnostics and reproduce the crash once; the "
     "report reaches our developers automatically.",
     "Your devices keep recording and running automations while the app is down, so nothing is lost in the "
     "meantime.",
     "In the meantime, the web dashboard at home.brightwell.example shows the same cameras."],
])

intent("technical", "camera_offline", [
    "My {camera} keeps going offline several times a day. Wi-Fi is fine on my phone.",
    "The camera shows 'offline' in the app but the light is on. What does that mean?",
    "Every night around 2 am the {camera} disconnects and only comes back after I unplug it.",
], [
    ["A light that is on while the app says offline means the device has power but lost its connection to "
     "our servers, usually because of Wi-Fi signal or a router setting.",
     "Regular disconnects at the same time of night are almost always the router: many restart or change "
     "channels automatically at night.",
     "Cameras need a stronger and steadier signal than phones, because they upload video continuously."],
    ["Check the signal under Device info > Wi-Fi in the app; below two bars, moving the router or adding a "
     "mesh node usually helps.",
     "If your router has an automatic channel or a nightly reboot option, try turning it off or giving the "
     "camera a fixed IP reservation.",
     "Outdoor cameras in the cold can also drop the connection when the battery is low; keep them above 20 "
     "percent in winter."],
    ["Firmware updates install at night too, but those take only a few minutes and the camera reconnects by "
     "itself.",
     "If it still drops after that, send us the times it went offline and we'll check the device logs.",
     "A factory reset and fresh setup is worth trying if nothing else helps; your recordings stay in the "
     "cloud."],
])

intent("technical", "firmware_update", [
    "[stuck] The firmware update on my {device} has been stuck at {pct}% for an hour.",
    "[err] The app says a firmware update is available for the {device} but it fails every time with {error}.",
    "[ask] Should I install the new firmware for my {device}? Heard it breaks things.",
], [
    ["[stuck] Firmware updates normally take five to ten minutes; if the progress stays at {pct}% for more than 30, "
     "the download was probably interrupted.",
     "[err] {error} during an update means the device couldn't download the file completely, usually because of a "
     "weak signal.",
     "Updates are tested on every model before release and contain security fixes, so installing them is "
     "recommended."],
    ["[stuck|err] Unplug the {device} for ten seconds and plug it back in; it will restart on the previous firmware and "
     "you can try the update again.",
     "[stuck|err] Move the device closer to the router for the update, or temporarily reduce other heavy traffic like "
     "streaming.",
     "[stuck|ask] An interrupted update won't damage the device: it keeps the old firmware until the new one is fully verified."],
    ["?", "The current version is listed under Device info > Firmware; release notes are in the help centre.",
     "If it fails three times in a row, tell us the device's serial number and we'll push the update from our "
     "side.",
     "Automatic updates can be scheduled for the night under Device settings > Updates."],
])

intent("technical", "voice_assistant", [
    "How do I connect my Brightwell devices to Google Home?",
    "[alexa] Alexa says it can't find my {device}. I linked the accounts already.",
    "[apple] Does the {device} work with Apple Home / HomeKit?",
], [
    ["Brightwell devices work with Google Home and Amazon Alexa through our skill, and most also support "
     "Matter, which covers Apple Home.",
     "The {device} supports Alexa, Google Home and, through Matter, Apple Home.",
     "[alexa] Linking the accounts is only the first step; the voice assistant then has to discover the devices."],
    ["In the Google Home app, tap + > Set up device > Works with Google, search for Brightwell and sign in; "
     "your devices appear after a minute.",
     "In the Alexa app, open Devices > + > Add device and choose \"Discover\"; devices added to Brightwell "
     "after linking need a new discovery.",
     "For Apple Home, open Device settings > Matter in the Brightwell app to get a pairing code, then add it "
     "in the Home app."],
    ["?", "Names matter: Alexa and Google work best with short, unique device names like \"{room} lamp\".",
     "Cameras show a live stream on smart displays, but recordings stay in the Brightwell app.",
     "If discovery still finds nothing, unlink and relink the skill; it refreshes the permissions."],
])

# ---------------------------------------------------------------------------------------------- product
intent("product", "compare", [
    "[kite] What's the difference between the Kite Indoor Camera and the Kite Outdoor Camera?",
    "[kite] Should I get the Kite Indoor or the Kite Outdoor Camera? Mostly for the {room}.",
    "[plan] Is the {plan_up} plan worth it over {plan} if I only have one camera?",
], [
    ["[kite] The Indoor model is mains-powered with a privacy shutter; the Outdoor model is weatherproof (IP65), "
     "battery-powered with an optional solar panel, and has a spotlight.",
     "[kite] Both record in 2K with night vision and work with the same app; the difference is mostly power and "
     "weather protection.",
     "[plan] The main differences between the {plan} and {plan_up} plans are the length of video history and the "
     "number of devices covered."],
    ["[plan] {plan} keeps 7 days of history for up to two cameras, {plan_up} keeps 30 days for up to five, and Pro "
     "adds 60 days and unlimited cameras.",
     "[plan] For a single camera, {plan} is usually enough unless you want smart alerts for people "
     "and packages, which start with {plan_up}.",
     "[kite] For the {room}, the indoor version is the better fit: no battery to charge, and the shutter closes when "
     "you're home."],
    ["?", "[kite] Both can be used without any plan, with live view and motion alerts.",
     "[plan] You can switch plans at any time, and upgrades are prorated.",
     "If you're unsure, both come with the 30-day return window, so you can try one at home."],
])

intent("product", "battery", [
    "How long does the battery last on the {bcam}?",
    "[short] My {bcam} battery only lasts a week. Is that normal?",
    "Is there a way to make the {bcam} battery last longer?",
], [
    ["Battery life depends mostly on how often the device wakes up; with 10-20 events a day the {bcam} "
     "lasts three to four months.",
     "[short] A week is much shorter than normal and usually means the camera is triggered very often, for example by "
     "a tree or a busy street.",
     "Cold weather reduces battery capacity noticeably, so winter runtimes are shorter."],
    ["Reduce the motion sensitivity or draw activity zones that exclude the street under Device settings > "
     "Motion.",
     "Shorter clip lengths and turning off the spotlight for night recordings both save a lot of power.",
     "The Activity tab shows how many events were recorded per day, which tells you what's draining it."],
    ["?", "The optional solar panel keeps it charged in most climates with two or three hours of sun.",
     "If it still drains quickly after these changes, the battery may be faulty and we'll replace it under "
     "warranty.",
     "A full charge takes about five hours with the included cable."],
])

intent("product", "stock", [
    "[restock] When will the {product} in {colour} be back in stock?",
    "[discount] Is the {product} going to be discounted soon? I'd rather wait if so.",
    "[filters] Do you sell replacement filters for the Nimbus Air Purifier? Can't find them in the shop.",
], [
    ["[restock] The {colour} version is expected back in about three weeks; the product page has a \"Notify me\" "
     "button that emails you as soon as it's available.",
     "[discount] We don't announce sales in advance, but if the price drops within 14 days of your purchase we refund "
     "the difference.",
     "[filters] Replacement filters are listed under Accessories rather than on the purifier's page."],
    ["[restock] Restock dates can move by a week or so depending on shipping from the factory.",
     "[filters] Accessories ship with the same delivery options as devices, and filters are eligible for a "
     "subscription with a small discount.",
     "[restock] Other colours are in stock now, if that's an option for you.",
     "[discount] Price drops show on the product page, and the 14-day price guarantee applies when you ask for it."],
    ["?", "[discount|restock] Newsletter subscribers hear about promotions first; you can sign up at the bottom of the shop page.",
     "[filters] The filter should be changed every six months; the app reminds you.",
     "[restock] Pre-orders aren't possible, but the notification usually arrives a day before stock goes public."],
])

# ---------------------------------------------------------------------------------------------- other
intent("other", "privacy_request", [
    "[access] I'd like a copy of all the personal data you hold about me.",
    "[access] Under GDPR I request access to my data. How do I do that?",
    "[data] What data do your cameras send to your servers? Are recordings used to train anything?",
], [
    ["[access] You can download a copy of your data under Settings > Account > Privacy > \"Download my data\"; the "
     "export is ready within 48 hours and includes account details, orders, device history and recordings.",
     "[access] Data access requests are handled through Settings > Account > Privacy, and the archive is emailed to "
     "you as a download link.",
     "[data] Recordings are stored encrypted in the region of your account and are only accessed with your "
     "permission, for example during a support case."],
    ["Recordings are never used to train models or shared with third parties for advertising.",
     "[access] If you prefer to send a formal request, our data protection officer can be reached through the privacy "
     "form in the help centre, and we answer within 30 days.",
     "The privacy policy lists every category of data and how long each is kept."],
    ["?", "You can also correct or delete data from the same page.",
     "The export link is valid for seven days.",
     "Diagnostics sharing is optional and can be turned off under Settings > About."],
])

intent("other", "feedback", [
    "[dark] Not a problem really, just want to say the {product} is great. Any chance of a dark mode in the app?",
    "[sun] Feature request: let me schedule the {device} by sunrise and sunset.",
    "I have an idea for the app, where do I send suggestions?",
], [
    ["Thanks, that's great to hear, and the request is passed on to the product team.",
     "Suggestions like this go straight to the product team, who read every one.",
     "Feedback is always welcome, and this one has come up before, which helps it get prioritised."],
    ["[dark] Dark mode is already available in recent versions: Settings > Appearance > Theme.",
     "[sun] Sunrise and sunset triggers are part of Automations: create a new automation and choose \"Time of day\" "
     "> \"Sunset\".",
     "The best place for ideas is the community forum's Ideas board, where other users can vote on them."],
    ["?", "Feature releases are announced in the app's What's New section.",
     "If you'd like to test new features early, you can join the beta programme under Settings > About.",
     "The forum also has a roadmap thread that's updated monthly."],
])

intent("other", "recycling", [
    "[recycle] How do I recycle an old {device}? Do you take devices back?",
    "[trade] Do you have a trade-in programme for old cameras?",
    "[pack] What's your packaging made of? I want to recycle it properly.",
], [
    ["[recycle|trade] We take back any Brightwell device for recycling, free of charge, whatever its condition.",
     "[recycle|trade] Old devices can be sent back with a free recycling label from the help centre.",
     "[pack] Our packaging is almost entirely cardboard and paper, so it goes in paper recycling."],
    ["[recycle] Request the label under Help > Recycling; remove the device from the app first and take out "
     "removable batteries, which travel separately.",
     "[trade|recycle] There's a trade-in offer a few times a year that gives a discount on a new device; otherwise "
     "recycling is free at any time.",
     "[recycle] Batteries must go to a battery collection point; most supermarkets have one.",
     "[pack] Please flatten the box and remove the thin plastic film around the cable, which is the only "
     "non-paper part."],
    ["?", "[recycle|trade] Devices in working condition are refurbished and donated where possible.",
     "We publish a yearly report on how many devices were recycled.",
     "[recycle|trade] The label works from every country we ship to."],
])

# ---------------------------------------------------------------------------------------------- other languages
NON_ENGLISH = [
    ("de", "shipping",
     "Hallo, ich habe am {date} eine {product} bestellt (Bestellung {order}), aber die Sendungsverfolgung "
     "zeigt seit drei Tagen keinen neuen Status. Ist das Paket verloren gegangen?",
     "Hallo {name}, danke für Ihre Nachricht. Ihre Bestellung {order} hat unser Lager am {date} verlassen und "
     "wurde an DHL übergeben. Dass die Sendungsverfolgung ein paar Tage lang nicht aktualisiert wird, ist "
     "leider nicht ungewöhnlich: Zwischen zwei Verteilzentren wird das Paket oft nicht gescannt, besonders "
     "über das Wochenende. Die Standardlieferung innerhalb Deutschlands dauert drei bis fünf Werktage, Ihre "
     "Sendung liegt also noch im normalen Zeitrahmen.\n\nFalls sich bis übermorgen nichts tut, antworten Sie "
     "einfach auf diese Nachricht. Wir starten dann einen Nachforschungsauftrag bei DHL und schicken Ihnen "
     "sofort kostenlos einen Ersatz, ohne das Ergebnis abzuwarten. Auf der DHL-Seite können Sie außerdem eine "
     "Packstation oder einen Ablageort wählen, sobald das Paket wieder gescannt wurde.\n\nViele Grüße\nIhr "
     "Brightwell-Support"),
    ("de", "billing",
     "Guten Tag, mir wurden für das {plan}-Abo diesen Monat zwei Mal {price} € abgebucht. Können Sie das "
     "bitte prüfen und eine Zahlung zurückerstatten?",
     "Guten Tag, danke, dass Sie uns Bescheid geben. In den meisten Fällen ist eine der beiden Buchungen nur "
     "eine Vormerkung Ihrer Bank, die nach drei bis fünf Werktagen automatisch verschwindet. In Ihrem Konto "
     "sehen wir für diesen Monat genau eine eingezogene Zahlung über {price} € für das {plan}-Abo; die zweite "
     "Zeile ist die Autorisierung eines wiederholten Zahlungsversuchs.\n\nSollten nach fünf Werktagen "
     "trotzdem beide Beträge abgebucht sein, schicken Sie uns bitte einen Screenshot des Kontoauszugs, auf "
     "dem nur die beiden Zeilen und das Datum zu sehen sind. Wir erstatten die doppelte Zahlung dann "
     "umgehend; die Gutschrift erscheint je nach Bank innerhalb von fünf bis zehn Werktagen. Alle "
     "tatsächlich eingezogenen Zahlungen finden Sie übrigens unter Einstellungen > Abrechnung > Rechnungen. "
     "Ihr Abo läuft währenddessen ganz normal weiter."),
    ("es", "returns",
     "Hola, compré un {product} hace dos semanas y no me convence. ¿Cómo puedo devolverlo? ¿Tengo que pagar "
     "el envío?",
     "Hola {name}, gracias por escribirnos. Puedes devolver cualquier producto dentro de los 30 días "
     "siguientes a la entrega, aunque esté abierto, siempre que esté completo y en buen estado. La devolución "
     "es gratuita.\n\nPara empezar, entra en Cuenta > Pedidos, abre el pedido {order} y elige \"Devolver "
     "artículos\". Recibirás por correo una etiqueta prepagada que puedes imprimir o mostrar como código QR "
     "en una oficina de Correos. Antes de enviarlo, elimina el dispositivo de la aplicación (Dispositivos > "
     "{product} > Eliminar) para que el almacén pueda restablecerlo, e incluye el cable y los accesorios.\n\n"
     "Cuando el almacén revise el paquete, normalmente en dos días hábiles, emitiremos el reembolso al mismo "
     "método de pago. Según tu banco, el importe aparecerá en un plazo de 5 a 10 días hábiles. Te avisaremos "
     "por correo en cada paso. Si tienes cualquier duda, responde a este mensaje."),
    ("es", "account",
     "Buenas, no me llega el correo para restablecer la contraseña. Lo he pedido varias veces. ¿Qué hago?",
     "Hola, gracias por contactarnos. El correo de restablecimiento suele llegar en un par de minutos y el "
     "enlace es válido durante 60 minutos. Cada nueva solicitud anula la anterior, así que si lo has pedido "
     "varias veces, solo funcionará el último enlace.\n\nTe recomendamos revisar primero la carpeta de spam "
     "y, si usas Gmail, también la pestaña Promociones. Después, solicita un único enlace nuevo, espera unos "
     "minutos y ábrelo en el mismo dispositivo. Comprueba también que estás usando la dirección con la que te "
     "registraste; un pequeño error al escribirla es más habitual de lo que parece.\n\nTus dispositivos "
     "siguen funcionando con normalidad mientras no tienes sesión iniciada, así que no hay prisa. Cuando "
     "vuelvas a entrar, te aconsejamos activar la verificación en dos pasos en Ajustes > Seguridad. Si en "
     "diez minutos no ha llegado nada, escríbenos de nuevo y lo revisamos contigo."),
    ("fr", "technical",
     "Bonjour, impossible d'associer ma {product} à l'application. L'installation échoue toujours à la "
     "dernière étape avec l'erreur {error}.",
     "Bonjour {name}, merci pour votre message. L'erreur {error} pendant l'installation signifie que "
     "l'appareil a bien trouvé le routeur mais n'a pas pu terminer la connexion au réseau. Dans presque tous "
     "les cas, cela vient de la bande Wi-Fi : l'appareil se connecte uniquement aux réseaux 2,4 GHz, et "
     "beaucoup de box réunissent 2,4 et 5 GHz sous un même nom.\n\nVous pouvez séparer les deux bandes dans "
     "les réglages de votre box, ou désactiver temporairement le 5 GHz pendant l'installation. Gardez aussi "
     "le téléphone sur le même réseau Wi-Fi, coupez les données mobiles et le VPN, puis réinitialisez "
     "l'appareil en maintenant le bouton dix secondes jusqu'à ce que le voyant clignote en bleu. Relancez "
     "ensuite Appareils > Ajouter un appareil.\n\nSi cela échoue encore, envoyez-nous l'heure de la tentative "
     "et la version de l'application (Réglages > À propos) : nos journaux nous montreront où cela bloque."),
    ("fr", "returns",
     "Bonjour, mon {product} ne fonctionne plus après huit mois. Est-il encore sous garantie ? J'habite à "
     "Lyon.",
     "Bonjour, merci de nous avoir contactés. Les appareils achetés dans l'Union européenne bénéficient d'une "
     "garantie de deux ans à compter de la livraison, votre {product} est donc bien couvert.\n\nAvant de le "
     "remplacer, pourriez-vous essayer une réinitialisation complète (maintenez le bouton de réinitialisation "
     "dix secondes) et un autre adaptateur secteur ? Cela résout un nombre surprenant de pannes. Si le "
     "problème persiste, ouvrez une demande de garantie dans Compte > Commandes > « Signaler un problème ». "
     "Nous vous envoyons d'abord l'appareil de remplacement, accompagné d'une étiquette prépayée pour "
     "renvoyer l'ancien, afin que vous n'en soyez pas privé longtemps.\n\nLe formulaire vous demandera le "
     "numéro de série, visible au dos de l'appareil ou dans l'application sous Infos appareil. Le ticket de "
     "caisse n'est pas nécessaire : la commande enregistrée dans votre compte suffit. N'hésitez pas à nous "
     "répondre si vous avez la moindre question."),
]

# The 900-word outlier: an exhaustive, rambling "everything about billing" reply to a simple question.
LONG_PROMPT = "Quick one: when exactly is my {plan} subscription charged each month?"
LONG_SECTIONS = [
    "Thanks for the question! Since billing can be confusing, here is a complete overview of how everything "
    "works, so that you have all the information in one place for this and any future questions.",
    "Billing cycle. Your {plan} subscription renews on the same day each month as the day you first started "
    "the plan or, if you had a free trial, the day the trial ended. If that day doesn't exist in a given "
    "month, for example the 31st in a month with 30 days, the renewal happens on the last day of that month "
    "instead. The renewal is processed in the early hours of the morning in the time zone of your account, "
    "which you can see under Settings > Account > Region. Depending on your bank, the charge may appear on "
    "your statement on the same day or a day later, and sometimes it is first listed as pending before it "
    "turns into a completed payment.",
    "Annual billing. If you choose to pay once a year, the renewal happens on the anniversary of the start "
    "date. Annual billing costs {cur}{price_annual} for {plan}, which is roughly two months cheaper than "
    "paying monthly. We send a reminder seven days before every annual renewal, and you can switch between "
    "monthly and annual billing at any time; the change takes effect at the next renewal, not immediately.",
    "Upgrades and downgrades. Moving to a higher plan is prorated: we credit the unused part of your current "
    "plan and charge the new plan for the remaining days, so the first charge after an upgrade is usually "
    "smaller than the full price. After that, the full price of the new plan applies on your normal renewal "
    "date, which does not change. Downgrades take effect at the end of the current period, so you keep the "
    "features you paid for until then, and there is no partial refund for the remaining days.",
    "Payment methods. We accept Visa, Mastercard, American Express and PayPal, and Apple Pay on iPhone. You "
    "can change your payment method under Settings > Billing > Payment method at any time. Some banks show a "
    "small temporary verification amount when you add a new card; it is released automatically within a few "
    "days and is never actually charged.",
    "Failed payments. If a renewal fails, for example because the card expired or the bank declined the "
    "payment, we retry automatically three times over seven days. During that time your plan stays active. "
    "If all retries fail, the plan is paused, but your recordings and settings are kept for 30 days, and "
    "everything comes back as soon as a payment succeeds. You can also trigger a retry yourself with the "
    "Pay now button on the billing page.",
    "Invoices. Every payment generates an invoice that you can download as a PDF under Settings > Billing > "
    "Invoices, or on the website under Account > Billing > Invoices. Invoices are kept for seven years. If "
    "you need a company name or VAT number on them, add these details under Invoice details and regenerate "
    "the invoice. You can also have every invoice sent automatically to a second email address, which is "
    "useful if your accountant handles them.",
    "Taxes. Prices in the EU and the UK include VAT at the rate of your country, and prices in the United "
    "States include sales tax where it applies. If you move to another country, the tax on your next renewal "
    "follows the new address, so the total can change slightly even though the plan price is the same.",
    "Refunds. Subscription renewals charged in the last 14 days can be refunded in full if the new period "
    "hasn't been used; just cancel and reply to support. Refunds go back to the original payment method and "
    "usually appear within 5-10 business days, depending on your bank.",
    "Cancelling. You can cancel at any time under Settings > Billing > Subscription. There's no fee, you "
    "keep the features until the end of the paid period, and your devices continue to work without a plan "
    "with live view and motion alerts. Cloud history is available until the period ends, so download "
    "anything you want to keep before then.",
    "Discount codes. Promotional codes apply to hardware only and not to subscriptions, and only one code "
    "can be used per order. If you forgot to enter a code, orders from the last 14 days can be adjusted "
    "afterwards, and the difference is refunded to the original payment method. Student and employee "
    "discounts are applied automatically once verified.",
    "Price changes. If the price of your plan ever changes, we tell you at least 30 days in advance by email "
    "and in the app, and the new price only applies from your next renewal after that notice. You can always "
    "cancel before the new price applies, and nothing changes for the period you have already paid for.",
    "Household members. People you invite to your household don't pay anything extra and don't need their "
    "own plan; the plan belongs to the account owner and covers everyone in the household, within the device "
    "limits of the plan.",
    "So, to answer your question directly: your {plan} plan is charged on the same day each month as the day "
    "it started, early in the morning in your account's time zone. I hope this overview helps, and please let "
    "us know if you have any other questions about billing, invoices, payments or anything else at all.",
]

# Related facts an agent adds after the main answer, per category (1-3 are drawn).
EXTRAS = {
    "billing": [
        "All prices in the app are shown in your local currency and include VAT where it applies.",
        "The full payment history, with an invoice for every charge, is under Settings > Billing > Invoices.",
        "If you ever want fewer charges on your statement, annual billing costs the same as ten months of "
        "monthly payments.",
        "We send an email receipt for every payment, so it's worth checking that the billing email in your "
        "account is one you read.",
        "Renewal reminders for annual plans go out seven days before the charge, which gives you time to "
        "change or cancel.",
        "Household members never pay separately; the plan belongs to the account owner and covers everyone.",
        "For security, our team never asks for a full card number, a CVC or a password by email or chat.",
        "Business accounts can add a purchase order number to invoices under Invoice details.",
        "Statements show our charges as BRIGHTWELL*HOME for plans and BRIGHTWELL*SHOP for devices.",
        "If your bank ever flags one of our charges, approving it in the banking app is usually enough.",
    ],
    "account": [
        "For extra protection, two-factor authentication under Settings > Security takes about two minutes to "
        "set up.",
        "The Security page also lists every device that is signed in, and you can sign any of them out remotely.",
        "Your devices keep running their schedules and automations even while you're signed out of the app.",
        "We'll never ask for your password by email or chat; anyone who does isn't us.",
        "If you share devices with family, household invitations are safer than sharing one login.",
        "A security email is sent whenever the password, the email address or two-factor settings change.",
        "Sessions on the web dashboard expire after 30 days of inactivity, the app stays signed in.",
        "Recovery codes are worth keeping in a password manager; they're the fastest way back in.",
    ],
    "shipping": [
        "Orders placed before 2 pm on a business day usually leave the warehouse the same day.",
        "Standard shipping is free above 50 in your local currency, and express costs 9.95.",
        "Tracking links are sent by email and also appear on the order page under Account > Orders.",
        "Carriers don't deliver on Sundays or public holidays, so those days don't count toward delivery times.",
        "Large items such as the Orbit Robot Vacuum ship separately and may arrive a day apart from the rest "
        "of the order.",
        "If a parcel arrives damaged, take a photo before unpacking further; it makes a claim much quicker.",
        "You can add delivery notes at checkout, for example a gate code or a preferred safe place.",
        "Pickup points hold parcels for seven days before sending them back to us.",
    ],
    "returns": [
        "Refunds always go to the original payment method; store credit is available instead if you prefer "
        "it and is issued faster.",
        "The return label is valid for 14 days after it's created.",
        "Accessories that came in the box should go back with the device, but the original packaging is optional.",
        "You'll receive an email when the parcel arrives at the warehouse and another when the refund is released.",
        "Returns can be dropped off at any branch of the carrier printed on the label, no appointment needed.",
        "Items bought as part of a bundle can be returned individually; the refund is calculated on the bundle "
        "price.",
        "Faulty items are covered by the warranty regardless of the 30-day return window.",
        "If several items from one order go back, they can share a single parcel and label.",
    ],
    "technical": [
        "Keeping the Brightwell Home app updated matters, because most fixes for connection problems arrive "
        "through app and firmware updates.",
        "Device info in the app shows the firmware version, Wi-Fi signal and serial number, which is useful "
        "if you contact us again.",
        "Devices keep their schedules and local automations even when the internet connection drops.",
        "Most devices need a 2.4 GHz Wi-Fi network; 5 GHz-only networks aren't supported.",
        "Diagnostics can be sent from Settings > About > Send diagnostics, which saves a lot of back and forth.",
        "The status page at status.brightwell.example shows any ongoing service issue.",
        "Restarting the router once is a good first step whenever several devices go offline at the same time.",
        "A factory reset doesn't delete cloud recordings; it only clears the device's local settings.",
        "The community forum has setup guides for the most common routers and mesh systems.",
    ],
    "product": [
        "All devices come with the 30-day return window, so you can try them at home.",
        "Every device works without a subscription for live view, notifications and basic automations.",
        "Product pages list the full technical specifications, including power and Wi-Fi requirements.",
        "The warranty is two years in the EU and UK and one year elsewhere.",
        "Bundles are usually cheaper than buying the devices one by one.",
        "The app lets you manage every device type from the same screen, so mixing products is easy.",
        "Our help centre has short setup videos for every product.",
    ],
    "other": [
        "The help centre has articles on most topics and is updated every week.",
        "Our privacy policy explains in plain language what data we keep and why.",
        "You can reach the team through this chat or the contact form; both end up in the same queue.",
        "We publish a sustainability report every spring with figures on packaging and recycling.",
        "Community events and beta programmes are announced in the newsletter.",
        "Replies usually arrive within one business day, often much faster.",
    ],
}
EXTRA_LEADS = ["", "", "", "Good to know: ", "A couple of related tips: ", "Also worth knowing: ", "One more thing: "]

HOSTILE_ANSWER = (
    "Thanks for sending the exact text, that helps a lot. Your account hasn't been hacked: what you're seeing is "
    "the literal text of a product review that someone submitted with code in it. Our site shows reviews as plain "
    "text, so the code is displayed rather than run, and it can't read your data or your password.\n\n"
    "The crash happens because the app's review widget trips over that text when the order page loads. The review "
    "has now been removed, and the fix for the widget ships in the next app update. Until then, pull down on the "
    "order list to refresh it, and the order should open normally again.\n\n"
    "If you'd like extra peace of mind, the Security page under Settings > Security lists every device that is "
    "signed in, and turning on two-factor authentication there takes about two minutes. Let us know if the order "
    "still doesn't open after a refresh.")
