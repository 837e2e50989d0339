// Default keyword tables, reply templates and bot list (product §2, §3, §7).
//
// The reply texts follow product §2's content rules in each language: the opt-out confirmation
// is a bare confirmation (no marketing, no call to action); the opt-in confirmation names the
// program and the message frequency, says that message and data rates may apply and how to opt
// out; the help reply names the organization, the support contact, the rates notice and how to
// opt out. Each starts with the organization prefix so the subscriber knows who is writing.

#include "config/config.h"

namespace confab::config {

KeywordTables KeywordTables::Defaults() {
  KeywordTables tables;
  tables.opt_out.en = {"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL",
                       "END",  "QUIT",    "REVOKE",   "OPTOUT",      "OPT OUT"};
  tables.opt_out.es = {"DETENER", "ALTO", "PARAR", "CANCELAR"};
  tables.opt_out.fr = {"ARRET"};
  tables.opt_in.en = {"JOIN", "START", "UNSTOP"};
  tables.opt_in.es = {"UNIRSE", "INICIO"};
  tables.opt_in_confirm.en = {"YES"};
  tables.help.en = {"HELP", "INFO"};
  tables.help.es = {"AYUDA"};
  tables.help.fr = {"AIDE"};
  return tables;
}

ReplyTemplates ReplyTemplates::Defaults() {
  ReplyTemplates t;
  t.opt_out.en = "{{organization_prefix}}: You are unsubscribed and will receive no more messages.";
  t.opt_out.es = "{{organization_prefix}}: Te has dado de baja y no recibirás más mensajes.";
  t.opt_out.fr = "{{organization_prefix}}: Vous êtes désabonné et ne recevrez plus de messages.";

  t.opt_in.en =
      "{{organization_prefix}}: You are subscribed to {{program_name}}. {{message_frequency}}. "
      "Msg & data rates may apply. Reply HELP for help. Reply STOP to opt out.";
  t.opt_in.es =
      "{{organization_prefix}}: Te has suscrito a {{program_name}}. {{message_frequency}}. "
      "Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para obtener ayuda. "
      "Responde PARAR para darte de baja.";
  t.opt_in.fr =
      "{{organization_prefix}}: Vous êtes inscrit à {{program_name}}. {{message_frequency}}. "
      "Des frais de messages et de données peuvent s'appliquer. Répondez AIDE pour obtenir de "
      "l'aide. Répondez ARRET pour vous désabonner.";

  t.help.en =
      "{{organization_prefix}}: For help, email {{email}} or call {{help_phone}}. "
      "Msg & data rates may apply. Reply STOP to opt out.";
  t.help.es =
      "{{organization_prefix}}: Para obtener ayuda, escribe a {{email}} o llama al "
      "{{help_phone}}. Pueden aplicarse tarifas de mensajes y datos. Responde PARAR para darte "
      "de baja.";
  t.help.fr =
      "{{organization_prefix}}: Pour obtenir de l'aide, écrivez à {{email}} ou appelez le "
      "{{help_phone}}. Des frais de messages et de données peuvent s'appliquer. Répondez ARRET "
      "pour vous désabonner.";
  return t;
}

std::string AutoResponderConfig::DefaultText() {
  return "{{organization_prefix}}: Thanks for your message. We will reply as soon as we can. "
         "For help, write to {{email}}.";
}

std::vector<std::string> LinksConfig::DefaultBotUserAgents() {
  // Link-preview fetchers of the common messengers and social sites, matched as substrings.
  return {"facebookexternalhit",
          "Facebot",
          "Twitterbot",
          "Slackbot",
          "WhatsApp",
          "TelegramBot",
          "Discordbot",
          "LinkedInBot",
          "SkypeUriPreview",
          "Applebot",
          "Googlebot",
          "bingbot",
          "Pinterestbot",
          "redditbot",
          "Embedly",
          "vkShare"};
}

}  // namespace confab::config
