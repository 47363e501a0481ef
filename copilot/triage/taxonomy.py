"""The contact taxonomy: fine-grained intents, the contact areas they belong to, and what each risk needs.

The fine-grained intents are BANKING77's 77 (Casanueva et al., 2020, CC BY 4.0: label names only) plus the
bank's own for contacts BANKING77 does not name (scams, bereavement, complaints, requests for a person, ...).
Each intent belongs to one of thirteen contact areas, the unit routing and reporting work in. The teams and
procedures are the sample bank's (``knowledge_base/content/procedures``).
"""

from __future__ import annotations

from dataclasses import dataclass

from copilot.triage.result import RiskName

AREAS: dict[str, str] = {
    "cards": "Cards: delivery, activation, PIN, virtual and spare cards, wallets",
    "card_payments": "Card payments: declined, pending, refunds, charges",
    "transfers": "Bank transfers, direct debits and standing orders",
    "top_ups": "Adding money to the account",
    "cash": "Cash machines and withdrawals",
    "currencies_and_abroad": "Currencies, exchange rates, using the account abroad",
    "account": "The account itself: details, statements, limits, overdraft, savings, closing",
    "identity": "Identity and source-of-funds checks",
    "app_and_access": "The app, passcodes, phones and contacting us",
    "security_and_fraud": "Fraud, scams, unrecognised activity, compromised cards and accounts",
    "financial_support": "Financial difficulty, bereavement and extra support",
    "complaints": "Complaints",
    "general": "Requests for a person, advice, unclear messages and other requests the copilot does not serve",
}

_AREA_INTENTS: dict[str, tuple[str, ...]] = {
    "cards": (
        "card_arrival", "card_linking", "card_delivery_estimate", "card_not_working", "pin_blocked", "change_pin",
        "activate_my_card", "card_about_to_expire", "get_physical_card", "order_physical_card", "getting_spare_card",
        "getting_virtual_card", "get_disposable_virtual_card", "virtual_card_not_working", "disposable_card_limits",
        "card_swallowed", "visa_or_mastercard", "supported_cards_and_currencies", "contactless_not_working",
        "apple_pay_or_google_pay", "card_acceptance",
    ),
    "card_payments": (
        "declined_card_payment", "pending_card_payment", "card_payment_fee_charged", "card_payment_wrong_exchange_rate",
        "reverted_card_payment?", "transaction_charged_twice", "request_refund", "Refund_not_showing_up",
        "extra_charge_on_statement",
    ),
    "transfers": (
        "cancel_transfer", "transfer_not_received_by_recipient", "declined_transfer", "pending_transfer",
        "transfer_timing", "beneficiary_not_allowed", "transfer_fee_charged", "receiving_money", "failed_transfer",
        "transfer_into_account", "balance_not_updated_after_bank_transfer", "direct_debit_payment_not_recognised",
        "direct_debits_and_standing_orders",
    ),
    "top_ups": (
        "automatic_top_up", "top_up_by_bank_transfer_charge", "pending_top_up", "top_up_limits", "top_up_reverted",
        "topping_up_by_card", "verify_top_up", "top_up_by_cash_or_cheque", "top_up_failed", "top_up_by_card_charge",
        "balance_not_updated_after_cheque_or_cash_deposit",
    ),
    "cash": (
        "pending_cash_withdrawal", "wrong_amount_of_cash_received", "atm_support", "declined_cash_withdrawal",
        "cash_withdrawal_charge", "wrong_exchange_rate_for_cash_withdrawal",
    ),
    "currencies_and_abroad": ("exchange_rate", "fiat_currency_support", "exchange_via_app", "exchange_charge",
                              "country_support"),
    "account": (
        "age_limit", "edit_personal_details", "terminate_account", "statements_and_letters", "power_of_attorney",
        "data_protection_request", "limit_change", "savings", "overdraft",
    ),
    "identity": ("why_verify_identity", "unable_to_verify_identity", "verify_my_identity", "verify_source_of_funds"),
    "app_and_access": ("passcode_forgotten", "lost_or_stolen_phone", "app_problem", "contact_us"),
    "security_and_fraud": (
        "compromised_card", "card_payment_not_recognised", "cash_withdrawal_not_recognised", "lost_or_stolen_card",
        "scam_report", "account_compromised", "phishing_report", "scam_information",
    ),
    "financial_support": ("financial_difficulty", "bereavement", "extra_support"),
    "complaints": ("complaint",),
    "general": ("human_agent", "greeting_or_unclear", "financial_advice", "internal_information", "third_party_data",
                "product_not_offered"),
}

INTENT_AREA: dict[str, str] = {intent: area for area, intents in _AREA_INTENTS.items() for intent in intents}

#: BANKING77's label set, in its own spelling (two labels carry a capital or a question mark).
BANKING77_INTENTS: frozenset[str] = frozenset(
    i for area in ("cards", "card_payments", "transfers", "top_ups", "cash", "currencies_and_abroad", "account",
                   "identity", "app_and_access", "security_and_fraud")
    for i in _AREA_INTENTS[area]
) - {
    "direct_debits_and_standing_orders", "statements_and_letters", "power_of_attorney", "data_protection_request",
    "limit_change", "savings", "overdraft", "app_problem", "contact_us", "scam_report", "account_compromised",
    "phishing_report", "scam_information",
}
BANK_INTENTS: frozenset[str] = frozenset(INTENT_AREA) - BANKING77_INTENTS


def area_of(intent: str) -> str:
    """The contact area of an intent; ``general`` for a label the taxonomy does not know."""
    return INTENT_AREA.get(intent, "general")


@dataclass(frozen=True)
class RiskRoute:
    """Where a risk goes: the team or queue, the procedure agents follow, and how soon."""

    team: str
    procedure: str
    urgency: str
    area: str


RISK_ROUTES: dict[RiskName, RiskRoute] = {
    "scam_in_progress": RiskRoute("FRAUD-P1", "proc-fraud-scam-escalation", "now", "security_and_fraud"),
    "unauthorised_activity": RiskRoute("FRAUD-P1", "proc-account-takeover-lockdown", "now", "security_and_fraud"),
    "financial_difficulty": RiskRoute("FIN-SUPPORT", "proc-financial-difficulty-handling", "today",
                                      "financial_support"),
    "bereavement": RiskRoute("BEREAVEMENT-TEAM", "proc-bereavement-handling", "today", "financial_support"),
    "vulnerability": RiskRoute("VUL", "proc-vulnerable-customer-flags", "today", "financial_support"),
    "complaint": RiskRoute("COMPLAINTS", "proc-complaint-handling", "today", "complaints"),
}

#: Which risk wins when several are present: the one whose mishandling costs the customer most.
RISK_PRIORITY: tuple[RiskName, ...] = (
    "scam_in_progress", "unauthorised_activity", "vulnerability", "financial_difficulty", "bereavement", "complaint",
)

REQUEST_PROCEDURES: dict[str, str] = {
    "human": "proc-human-handoff-chat",
    "internal_info": "proc-confidential-information",
    "third_party_data": "proc-power-of-attorney-third-party",
}
