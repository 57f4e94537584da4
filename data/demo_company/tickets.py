"""Support tickets written like customers write them, in Spanish and English.

Each ticket is composed from phrase fragments: an opening (angry, polite,
warm or plain), what the ticket is about, details (order references such as
``S00123``, product names, dates, amounts), an optional urgency cue and a
closing. What it is about fixes the sentiment as a person labels it: a
reported problem is negative however calmly or politely it is told ("only
half the order arrived"), a plain question or request is neutral (payment
terms, delivery areas, return windows belong to their category, not to
"other"), praise is positive. Then people's noise is applied: Latin American
or Peninsular Spanish, chat register with abbreviations and emoji, long
signatures with legal footers, the support team's answer quoted below,
HTML mail, typos, Spanish without accents, all lower or upper case, very
short texts, a phrase of the other language, a few tickets in French,
German or Portuguese (``lang == "other"``).

The labels are learnable but not trivially so, as with real helpdesks:

* categories share vocabulary (a broken product may be returned, an
  invoice lives on the customer portal) and a ticket sometimes mentions a
  second matter;
* urgency shows through cues (deadlines, "urgente", "ASAP", a stopped
  line) that are often absent, and some people shout for small things;
* about 5% of labels are wrong, like a hurried human labeller's.

Every phrase bank falls into two halves of phrase families (even and odd
places): ``make_ticket_corpus(family_half=0)`` writes with one half only, so
a model can be tested on phrasings it never saw (the ticket benchmark's
cross-family figures).

The seed corpus ``ai_insights`` ships (what a company with no labelled
tickets trains its first analyzer on) was made here, once, by
:func:`write_ticket_seed`; regenerate it with::

    PYTHONPATH=.:data python data/demo_company/tickets.py seed-tickets
"""

from __future__ import annotations

import argparse
import html
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from demo_company.behaviour import churn_pressure, warning_strength
from demo_company.catalog import make_products

__all__ = [
    "CATEGORIES",
    "SENTIMENTS",
    "URGENCIES",
    "compose_tickets",
    "generate_tickets",
    "make_ticket_corpus",
    "write_ticket_seed",
]

CATEGORIES = ("billing", "delivery", "product_defect", "returns", "account_access", "other")
URGENCIES = ("low", "normal", "high")
SENTIMENTS = ("negative", "neutral", "positive")

LABEL_NOISE = 0.05  # share of tickets whose category was mislabelled
# The seed corpus shipped with ai_insights: make_ticket_corpus(n=SEED_SIZE, seed=SEED).
SEED_SIZE = 3000
SEED = 7
_CURRENCY = {"es": "€", "en": "$"}

# --- phrase banks -----------------------------------------------------------
# Placeholders: {order} {product} {date} {amount} {invoice} {qty} {days}

_SUBJECTS = {
    "es": {
        "billing": ("Factura incorrecta", "Duda con la factura {invoice}", "Cobro duplicado",
                    "Error en el importe facturado", "IVA mal aplicado", "Factura {invoice}",
                    "Me habéis cobrado de más", "Abono pendiente"),
        "delivery": ("Pedido {order} sin entregar", "Retraso en la entrega", "¿Dónde está mi pedido?",
                     "Entrega incompleta", "El transportista no ha venido", "Envío {order}",
                     "Pedido no recibido", "Fecha de entrega"),
        "product_defect": ("Producto defectuoso", "{product} no funciona", "Avería en {product}",
                           "Producto roto", "Fallo de calidad", "{product} estropeado",
                           "Defecto de fabricación", "No enciende"),
        "returns": ("Devolución pedido {order}", "Solicitud de devolución", "Quiero devolver {product}",
                    "Cambio de producto", "Reembolso pendiente", "Etiqueta de devolución",
                    "Devolver material sobrante", "Recogida de devolución"),
        "account_access": ("No puedo acceder", "Problema con mi contraseña", "Acceso al portal",
                           "Cuenta bloqueada", "No me llega el correo de verificación",
                           "Cambio de usuario", "Error al iniciar sesión", "Alta de nuevo usuario"),
        "other": ("Consulta", "Pregunta sobre el catálogo", "Información", "Sugerencia",
                  "Horario de atención", "Cambio de dirección", "Presupuesto", "Colaboración"),
        "_generic": ("Incidencia", "Pedido {order}", "Ayuda", "Problema", "Reclamación", "Urgente",
                     "Re: pedido {order}", "Consulta pedido", "Aviso"),
    },
    "en": {
        "billing": ("Wrong invoice", "Question about invoice {invoice}", "Double charge",
                    "Invoiced amount is wrong", "VAT applied incorrectly", "Invoice {invoice}",
                    "Overcharged", "Credit note missing"),
        "delivery": ("Order {order} not delivered", "Late delivery", "Where is my order?",
                     "Incomplete delivery", "Courier never showed up", "Shipment {order}",
                     "Order not received", "Delivery date"),
        "product_defect": ("Defective product", "{product} not working", "{product} faulty",
                           "Broken item", "Quality issue", "{product} damaged",
                           "Manufacturing defect", "Won't turn on"),
        "returns": ("Return for order {order}", "Return request", "I want to return {product}",
                    "Exchange request", "Refund still pending", "Return label",
                    "Returning surplus stock", "Return pickup"),
        "account_access": ("Can't log in", "Password problem", "Portal access",
                           "Account locked", "Verification email not arriving",
                           "Change of user", "Login error", "New user access"),
        "other": ("Question", "Catalogue question", "Information request", "Suggestion",
                  "Opening hours", "Change of address", "Quote request", "Partnership"),
        "_generic": ("Issue", "Order {order}", "Help", "Problem", "Complaint", "Urgent",
                     "Re: order {order}", "Order question", "Notice"),
    },
}

# Complaints (the sentiment of a ticket that reports a problem is negative, angry words or not).
_PROBLEMS = {
    "es": {
        "billing": (
            "En la factura {invoice} aparece un importe de {amount} que no corresponde con el pedido {order}.",
            "Nos habéis cobrado dos veces el mismo pedido.",
            "El descuento acordado no aparece en la factura.",
            "La factura tiene mal el CIF y la dirección fiscal.",
            "Hemos pagado {amount} pero seguimos viendo la factura como pendiente.",
            "El IVA aplicado no es correcto, somos exportadores.",
            "Nos ha llegado un recordatorio de pago de una factura que ya está pagada.",
            "El precio unitario facturado es más alto que el de la oferta.",
            "No encuentro la factura del pedido {order} en el portal.",
            "El cargo en la tarjeta no coincide con el total del pedido.",
            "Las condiciones de pago eran a 60 días y la factura vence a 30.",
            "Me cobraron el envío aunque el pedido superaba el mínimo.",
            "La factura {invoice} sale a nombre de otra empresa.",
            "El abono prometido sigue sin aplicarse.",
            "Se cargó el importe en la tarjeta y el pedido figura como impagado.",
            "Nos llegó la boleta con un monto distinto al de la cotización.",
        ),
        "delivery": (
            "El pedido {order} tenía que llegar el {date} y todavía no lo hemos recibido.",
            "El seguimiento del envío no se actualiza desde hace {days} días.",
            "Ha llegado solo una parte del pedido, faltan {qty} unidades de {product}.",
            "El transportista dice que la dirección no existe, pero es la de siempre.",
            "Nos dieron una fecha de entrega y no se ha cumplido.",
            "La caja llegó abierta y faltaba material.",
            "Han entregado el pedido en otra dirección.",
            "El repartidor no llamó y dejó el aviso sin intentar la entrega.",
            "Solo llegó la mitad del pedido.",
            "El pedido aparece como entregado pero no lo tenemos.",
            "Llevamos {days} días esperando el envío.",
            "Recibimos {qty} cajas y en el albarán pone {days}.",
            "El despacho del pedido {order} sigue sin salir de bodega.",
            "El paquete se quedó en la oficina de correos y nadie nos avisó.",
            "Nos mandaron el pedido de otro cliente.",
            "El envío urgente que pagamos tardó lo mismo que uno normal.",
        ),
        "product_defect": (
            "El {product} que recibimos no funciona desde el primer día.",
            "El {product} hace un ruido extraño y se apaga a los pocos minutos.",
            "Varias unidades de {product} vienen rotas de fábrica.",
            "El producto tiene una fuga y no se puede usar.",
            "La pieza se ha partido al montarla, parece un defecto de material.",
            "El {product} se calienta demasiado, creo que es peligroso.",
            "La pantalla del {product} no enciende.",
            "Después de {days} días de uso el {product} ha dejado de funcionar.",
            "Las medidas no coinciden con la ficha técnica.",
            "Los {qty} que recibimos tienen el mismo fallo.",
            "El producto llegó dañado y está defectuoso.",
            "El {product} no carga, la luz ni se prende.",
            "Falta una pieza en la caja y así no se puede montar.",
            "La batería del {product} dura diez minutos.",
            "El cierre se soltó la primera vez que lo usamos.",
            "La pintura se descascara a la semana.",
        ),
        "returns": (
            "Devolvimos el material hace {days} días y no hemos recibido el reembolso.",
            "El producto no es el que esperábamos y la devolución sigue sin tramitarse.",
            "El {product} llegó roto y nadie gestiona la devolución.",
            "El reembolso de {amount} todavía no aparece en la cuenta.",
            "La etiqueta de devolución no funciona, el transportista no la acepta.",
            "Nadie pasó a recoger la devolución que acordamos para el {date}.",
            "Nos han rechazado la devolución sin dar ningún motivo.",
            "El reembolso que nos hicieron es menor de lo que pagamos.",
            "El enlace para solicitar la devolución da error.",
            "Mandamos el cambio hace {days} días y no ha llegado el producto nuevo.",
            "Nos descontaron gastos de devolución que no nos dijeron.",
            "El plazo de devolución que figura en la web no es el que nos aplicaron.",
        ),
        "account_access": (
            "No puedo entrar en el portal, me dice que la contraseña es incorrecta.",
            "He pedido restablecer la contraseña y no me llega el correo.",
            "La cuenta aparece bloqueada después de varios intentos.",
            "Al iniciar sesión sale un error y vuelve a la pantalla de inicio.",
            "No veo mis pedidos anteriores en el portal.",
            "El código de verificación caduca antes de que llegue.",
            "Desde la actualización no puedo acceder a mi cuenta.",
            "Estoy sin acceso desde ayer.",
            "El enlace para cambiar la clave está caducado.",
            "El portal no carga en el celular.",
            "Me pide un código por SMS a un número que ya no tenemos.",
            "Mi usuario desapareció y no puedo ver las facturas.",
        ),
        "other": (
            "El comercial no nos devuelve las llamadas desde hace semanas.",
            "Seguimos recibiendo publicidad aunque pedimos la baja.",
            "El catálogo tiene precios que luego no se respetan.",
            "El teléfono de atención no lo coge nadie.",
            "La web da error al hacer un pedido.",
            "Nos llamaron tres veces en un día para ofrecernos lo mismo.",
            "La tienda cerró antes del horario publicado.",
            "Nadie respondió a nuestra solicitud de presupuesto.",
        ),
    },
    "en": {
        "billing": (
            "Invoice {invoice} shows an amount of {amount} which doesn't match order {order}.",
            "We've been charged twice for the same order.",
            "The agreed discount is missing from the invoice.",
            "The invoice has the wrong VAT number and billing address.",
            "We paid {amount} but the invoice still shows as outstanding.",
            "VAT was applied but we are an export customer.",
            "We got a payment reminder for an invoice that is already paid.",
            "The unit price on the invoice is higher than the quote.",
            "I can't find the invoice for order {order} on the portal.",
            "The card charge doesn't match the order total.",
            "Our terms are net 60 but the invoice is due in 30 days.",
            "Shipping was charged although the order was over the minimum.",
            "Invoice {invoice} is made out to another company.",
            "The credit note we were promised was never applied.",
            "The card was charged and the order still says unpaid.",
            "The statement lists an invoice we never received.",
        ),
        "delivery": (
            "Order {order} was due on {date} and we still haven't received it.",
            "Tracking hasn't updated in {days} days.",
            "Only part of the order arrived, {qty} units of {product} are missing.",
            "The courier says the address doesn't exist, but it's the same as always.",
            "We were given a delivery date and it was missed.",
            "The box arrived open and items were missing.",
            "The order was delivered to the wrong address.",
            "The driver didn't call and left a card without trying to deliver.",
            "Only half the order arrived.",
            "The order shows as delivered but we don't have it.",
            "We've been waiting {days} days for the shipment.",
            "We received {qty} boxes and the delivery note says {days}.",
            "Order {order} still hasn't left the warehouse.",
            "The parcel was left at the depot and nobody told us.",
            "We were sent another customer's order.",
            "The express shipping we paid for took as long as standard.",
        ),
        "product_defect": (
            "The {product} we received hasn't worked since day one.",
            "The {product} makes a strange noise and shuts down after a few minutes.",
            "Several units of {product} arrived broken from the factory.",
            "The product leaks and can't be used.",
            "The part snapped while fitting it, looks like a material defect.",
            "The {product} gets far too hot, I think it's dangerous.",
            "The display on the {product} won't turn on.",
            "After {days} days of use the {product} stopped working.",
            "The dimensions don't match the spec sheet.",
            "All {qty} we received have the same fault.",
            "The product arrived damaged and is defective.",
            "The {product} doesn't charge, the light never comes on.",
            "A part is missing from the box so it can't be assembled.",
            "The battery of the {product} lasts ten minutes.",
            "The clasp came off the first time we used it.",
            "The paint is peeling after a week.",
        ),
        "returns": (
            "We sent the goods back {days} days ago and haven't been refunded.",
            "The product isn't what we expected and the return still hasn't been processed.",
            "The {product} arrived broken and nobody is handling the return.",
            "The refund of {amount} still isn't showing on our account.",
            "The return label does not work, the courier won't accept it.",
            "Nobody came to collect the return we booked for {date}.",
            "Our return was rejected without any reason.",
            "The refund we got is less than what we paid.",
            "The link to request a return gives an error.",
            "We sent the exchange {days} days ago and the new item hasn't arrived.",
            "Return fees were deducted that nobody mentioned.",
            "The return window on the website is not the one you applied.",
        ),
        "account_access": (
            "I can't log into the portal, it says my password is wrong.",
            "I requested a password reset and the email never arrives.",
            "The account is locked after a few attempts.",
            "Logging in throws an error and sends me back to the home page.",
            "I can't see my previous orders on the portal.",
            "The verification code expires before it arrives.",
            "Since the update I can't access my account.",
            "Locked out since yesterday.",
            "The password reset link has expired.",
            "The portal won't load on my phone.",
            "It sends the SMS code to a number we no longer have.",
            "My user has disappeared and I can't see the invoices.",
        ),
        "other": (
            "Your sales rep hasn't returned our calls for weeks.",
            "We keep getting marketing emails although we unsubscribed.",
            "The catalogue lists prices that are then not honoured.",
            "Nobody picks up the customer service phone.",
            "The website throws an error when placing an order.",
            "We were called three times in one day with the same offer.",
            "The shop closed before its published hours.",
            "Nobody answered our quote request.",
        ),
    },
}

# Plain questions and requests (neutral): what the ticket is about, no problem reported.
_REQUESTS = {
    "es": {
        "billing": (
            "¿Cuáles son las condiciones de pago para empresas?",
            "Necesito un abono por los {qty} artículos que devolvimos.",
            "¿Podéis enviarme una copia de la factura {invoice}?",
            "¿Se puede pagar por transferencia o solo con tarjeta?",
            "Queremos cambiar los datos fiscales para las próximas facturas.",
            "¿Es posible pagar a 60 días?",
            "¿Me mandan la factura con el RFC de la empresa, por favor?",
            "¿Cuándo se emite la factura de un pedido pagado por adelantado?",
            "Necesito el certificado de retenciones del año pasado.",
            "¿Aceptáis pago domiciliado?",
        ),
        "delivery": (
            "Necesitamos saber cuándo sale el pedido {order} del almacén.",
            "¿Hacéis envíos a Canarias?",
            "¿Cuánto tarda un envío a Baleares?",
            "¿Se puede cambiar la dirección de entrega del pedido {order}?",
            "¿Entregan en sábado?",
            "¿Cuál es el plazo de entrega habitual para {qty} unidades?",
            "¿Hacen despachos a regiones o solo a la capital?",
            "¿Podemos recoger el pedido en vuestro almacén?",
            "¿El envío es gratuito a partir de cierto importe?",
            "¿Me pasan el número de seguimiento del pedido {order}?",
        ),
        "product_defect": (
            "¿Qué garantía tiene el {product}?",
            "¿Cómo se restablece el {product} a los valores de fábrica?",
            "¿Tenéis el manual del {product} en PDF?",
            "¿Dónde está el servicio técnico más cercano?",
            "¿Cada cuánto hay que cambiar el filtro del {product}?",
            "¿La garantía cubre el desgaste normal?",
            "¿Venden repuestos para el {product}?",
            "¿Qué hago si la pieza se suelta, la aprieto o la envío?",
        ),
        "returns": (
            "¿Cuántos días tengo para devolver un producto?",
            "¿Cómo puedo devolver {qty} unidades que pedimos de más?",
            "Necesito la etiqueta para la devolución del pedido {order}.",
            "¿Podéis pasar a recoger la devolución?",
            "Nos equivocamos de referencia y queremos devolver el pedido.",
            "Quiero cambiar el {product} por una talla mayor.",
            "Tenemos material sobrante del pedido {order} para devolver.",
            "¿El plazo de devolución cuenta desde la compra o desde la entrega?",
            "¿Se puede devolver un producto en oferta?",
            "¿El reembolso se hace a la tarjeta o como vale?",
        ),
        "account_access": (
            "Necesitamos dar de alta a un nuevo usuario para ver las facturas.",
            "El compañero que gestionaba la cuenta se ha ido, ¿podéis cambiar el usuario?",
            "Quiero cambiar el correo asociado a la cuenta.",
            "¿Cómo activo la verificación en dos pasos?",
            "¿Pueden varios usuarios compartir la misma cuenta de empresa?",
            "¿Cómo cambio la contraseña del portal?",
            "¿Me pueden dar acceso al portal para mi colega?",
            "¿Dónde se cambia el idioma de la cuenta?",
        ),
        "other": (
            "¿Tenéis catálogo actualizado para este año?",
            "Queríamos saber si hacéis precios especiales por volumen.",
            "¿Cuál es el horario de atención en agosto?",
            "Hemos cambiado de dirección, por favor actualizad los datos.",
            "¿Distribuís también la marca del {product}?",
            "Me gustaría recibir un presupuesto para {qty} unidades de {product}.",
            "¿Tenéis tienda física donde ver los productos?",
            "Os propongo una colaboración para la próxima feria.",
            "¿El {product} es compatible con el modelo anterior?",
            "¿Cuándo vuelve a haber stock de {product}?",
            "¿Trabajan con distribuidores en México?",
            "¿Me envían la ficha técnica del {product}?",
        ),
    },
    "en": {
        "billing": (
            "What are your payment terms for business accounts?",
            "I need a credit note for the {qty} items we sent back.",
            "Could you send me a copy of invoice {invoice}?",
            "Can we pay by bank transfer or only by card?",
            "We'd like to change the billing details for future invoices.",
            "Is it possible to pay at 60 days?",
            "Could the invoice show our company's tax number, please?",
            "When is the invoice issued for a prepaid order?",
            "I need last year's statement of account.",
            "Do you accept direct debit?",
        ),
        "delivery": (
            "We need to know when order {order} leaves the warehouse.",
            "Do you ship to Canada?",
            "How long does shipping to Hawaii take?",
            "Can the delivery address of order {order} be changed?",
            "Do you deliver on Saturdays?",
            "What is the usual lead time for {qty} units?",
            "Which areas do you deliver to?",
            "Can we collect the order from your warehouse?",
            "Is shipping free above a certain amount?",
            "Could you send me the tracking number for order {order}?",
        ),
        "product_defect": (
            "What warranty does the {product} have?",
            "How do I reset the {product} to factory settings?",
            "Do you have the manual for the {product} as a PDF?",
            "Where is the nearest service centre?",
            "How often should the filter of the {product} be changed?",
            "Does the warranty cover normal wear?",
            "Do you sell spare parts for the {product}?",
            "What should I do if the part comes loose, tighten it or send it in?",
        ),
        "returns": (
            "How many days do I have to return an item?",
            "How can I return {qty} units we over-ordered?",
            "I need a return label for order {order}.",
            "Can you arrange a pickup for the return?",
            "We ordered the wrong reference and want to send it back.",
            "I want to exchange the {product} for a bigger size.",
            "We have surplus stock from order {order} to return.",
            "Does the return window start at purchase or at delivery?",
            "Can sale items be returned?",
            "Is the refund made to the card or as store credit?",
        ),
        "account_access": (
            "We need a new user set up so they can see the invoices.",
            "The colleague who managed the account has left, can you change the user?",
            "I want to change the email linked to the account.",
            "How do I turn on two-step verification?",
            "Can several users share one company account?",
            "How do I change my portal password?",
            "Could you give my colleague access to the portal?",
            "Where can I change the account language?",
        ),
        "other": (
            "Do you have an updated catalogue for this year?",
            "We wanted to know if you offer volume pricing.",
            "What are your opening hours in August?",
            "We've moved, please update our address.",
            "Do you also distribute the brand of the {product}?",
            "I'd like a quote for {qty} units of {product}.",
            "Do you have a showroom where we can see the products?",
            "We'd like to propose a partnership for the next trade show.",
            "Is the {product} compatible with the previous model?",
            "When will the {product} be back in stock?",
            "Do you work with resellers in Ireland?",
            "Could you send me the data sheet of the {product}?",
        ),
    },
}

# Praise of what went right (positive), per category.
_PRAISE = {
    "es": {
        "billing": ("Gracias por corregir la factura tan rápido.", "El abono ya está aplicado, perfecto.",
                    "Todo correcto con el pago, muchas gracias por la ayuda.",
                    "Qué bien que ahora se pueda descargar la factura del portal."),
        "delivery": ("El pedido llegó antes de lo previsto, ¡genial!", "El repartidor fue muy amable.",
                     "Todo llegó perfecto y bien embalado.", "Rapidísimos con el envío, como siempre."),
        "product_defect": ("El {product} de repuesto funciona de maravilla.", "El técnico lo dejó perfecto.",
                           "La reparación quedó impecable.", "Estamos encantados con el {product}."),
        "returns": ("El reembolso ya me llegó, muchas gracias.", "La devolución fue facilísima.",
                    "Gracias por gestionar el cambio tan rápido.", "El cambio de talla llegó perfecto."),
        "account_access": ("Ya puedo entrar, mil gracias.", "Gracias, el nuevo usuario ya funciona.",
                           "Resuelto lo del acceso, sois unos cracks.", "El portal nuevo es muy cómodo."),
        "other": ("Quería felicitar al comercial por su atención.", "Nos encantó el catálogo nuevo.",
                  "Gracias por la atención en la feria.", "Da gusto trabajar con un equipo así."),
    },
    "en": {
        "billing": ("Thanks for fixing the invoice so quickly.", "The credit note is applied, perfect.",
                    "All good with the payment, many thanks for your help.",
                    "Great that invoices can now be downloaded from the portal."),
        "delivery": ("The order arrived earlier than expected, brilliant!", "The driver was really friendly.",
                     "Everything arrived in perfect shape and well packed.", "Super fast shipping as always."),
        "product_defect": ("The replacement {product} works like a charm.", "The technician did a perfect job.",
                           "The repair is flawless.", "We love the {product}."),
        "returns": ("The refund came through, thank you so much.", "The return was really easy.",
                    "Thanks for handling the exchange so fast.", "The new size arrived and fits perfectly."),
        "account_access": ("I can log in again, thanks a million.", "Thanks, the new user works now.",
                           "Access sorted, you're stars.", "The new portal is really handy."),
        "other": ("I wanted to compliment your sales rep on their help.", "We loved the new catalogue.",
                  "Thanks for looking after us at the trade show.", "A pleasure to work with such a team."),
    },
}

_VAGUE = {
    "es": ("Tengo un problema con el pedido {order}, ¿me podéis llamar?",
           "Hay algo que no cuadra con lo último que os pedimos.",
           "Necesito hablar con alguien sobre el pedido {order}.",
           "Lo del {product} sigue sin resolverse.", "Revisad el pedido {order} por favor.",
           "Os escribo por lo de siempre."),
    "en": ("I have a problem with order {order}, can someone call me?",
           "Something doesn't add up with our last order.",
           "I need to speak to someone about order {order}.",
           "The {product} issue still isn't sorted.", "Please check order {order}.",
           "Writing about the usual thing again."),
}

_DETAILS = {
    "es": ("El número de pedido es {order}.", "Referencia: {order}.", "Se trata del {product}.",
           "Lo pedimos el {date}.", "El importe total era {amount}.", "Pedimos {qty} unidades.",
           "Os adjunto fotos.", "Ya llamé por teléfono la semana pasada.",
           "Somos clientes desde hace años.", "Pedido {order} del {date}."),
    "en": ("The order number is {order}.", "Ref: {order}.", "It's the {product}.",
           "We ordered it on {date}.", "The total was {amount}.", "We ordered {qty} units.",
           "Photos attached.", "I already called last week.",
           "We've been customers for years.", "Order {order} from {date}."),
}

_OPENINGS = {
    "es": {
        "neutral": ("Hola,", "Buenos días,", "Buenas tardes,", "Estimados:", "", "Hola buenas,", "Buenas,",
                    "A quien corresponda:"),
        # Courtesy is not contentment: polite words open and close complaints as often as anything.
        "polite": ("Buenos días, espero que estéis bien.", "Hola, disculpad las molestias.",
                   "Estimados señores, les escribo con toda cordialidad.", "Hola, muchas gracias por leerme.",
                   "Buenas tardes, perdón por insistir.", "Hola, un saludo cordial."),
        "positive": ("Hola, ante todo gracias por la atención de siempre.",
                     "Buenos días, estamos muy contentos con vuestro servicio, pero tenemos una duda.",
                     "¡Hola! Gracias por la rapidez de la última vez.", "Hola equipo, un placer como siempre.",
                     "¡Buenísimas! Qué gusto escribiros.", "Hola, sois un encanto, de verdad."),
        "negative": ("Esto es inaceptable.", "Estoy muy molesto.", "Otra vez lo mismo.",
                     "Es la tercera vez que escribo.", "Estamos hartos.", "Muy mal servicio.",
                     "Buenos días, aunque de buenos nada.", "Qué vergüenza de servicio.",
                     "No me lo puedo creer.", "Ya no sé cómo decirlo."),
    },
    "en": {
        "neutral": ("Hello,", "Hi,", "Good morning,", "Dear support team,", "", "Hi there,", "Hey,",
                    "To whom it may concern,"),
        "polite": ("Good morning, I hope you are well.", "Hi, sorry to bother you.",
                   "Dear Sir or Madam, I am writing with kind regards.", "Hello, thank you for reading this.",
                   "Good afternoon, apologies for chasing.", "Hi, warm greetings."),
        "positive": ("Hi, thanks for the great service so far.",
                     "Good morning, we're really happy with you guys, just one question.",
                     "Hi! Thanks for being so quick last time.", "Hello team, always a pleasure.",
                     "Hey! Lovely to write to you.", "Hi, you have been wonderful, honestly."),
        "negative": ("This is unacceptable.", "I'm really frustrated.", "Same problem again.",
                     "Third time I'm writing about this.", "We're fed up.", "Terrible service.",
                     "Not happy at all.", "What a shambles.", "I can't believe this.",
                     "I don't know how else to say it."),
    },
}

_CLOSINGS = {
    "es": {
        "neutral": ("Gracias.", "Saludos.", "Un saludo,", "Quedo a la espera.", "", "Atentamente,", "Slds.",
                    "Quedo atento."),
        "polite": ("Muchas gracias de antemano por vuestra ayuda.", "Por favor, revisadlo cuando podáis. Gracias.",
                   "Gracias por su amable atención.", "Les agradezco mucho su ayuda.",
                   "Por favor, díganme algo. Un cordial saludo.", "Gracias y disculpad las molestias."),
        "positive": ("¡Muchas gracias de antemano!", "Sois los mejores.", "Gracias por todo, como siempre.",
                     "Un abrazo y gracias.", "Encantados de trabajar con vosotros.", "¡Mil gracias, de verdad!",
                     "Seguid así."),
        "negative": ("Si no lo solucionáis, buscaremos otro proveedor.", "Espero una respuesta ya.",
                     "Estoy pensando en cancelar la cuenta.", "Muy decepcionado.",
                     "Es la última vez que os compramos.", "Vaya desastre.", "Una pena de servicio.",
                     "Exijo una solución.", "¿Cuándo lo vais a solucionar?", "¿Alguien me explica qué pasa?"),
        # Complaints ask too: a question mark says nothing about the mood.
        "asking": ("¿Cuándo lo vais a solucionar?", "¿Me podéis decir qué ha pasado?", "¿Qué hago ahora?",
                   "¿Alguien lo puede revisar?", "¿Cuándo tendré una respuesta?", "¿Es normal esto?"),
    },
    "en": {
        "neutral": ("Thanks.", "Regards,", "Best,", "Looking forward to your reply.", "", "Kind regards,",
                    "Rgds", "Cheers,"),
        "polite": ("Many thanks in advance for your help.", "Please look into it when you can. Thank you.",
                   "Thank you for your kind attention.", "I really appreciate your help.",
                   "Please let me know. Kind regards.", "Thanks, and sorry for the trouble."),
        "positive": ("Thanks a lot in advance!", "You guys are great.", "Thanks for everything as always.",
                     "Cheers and thanks!", "Always a pleasure working with you.", "Thanks a million, really!",
                     "Keep it up."),
        "negative": ("If this isn't fixed we'll move to another supplier.", "I expect an answer now.",
                     "We're thinking of closing the account.", "Very disappointed.",
                     "This is the last time we order from you.", "What a mess.", "Poor service.",
                     "I demand a solution.", "When will this be sorted?", "Can anyone explain what is going on?"),
        "asking": ("When will this be fixed?", "Can you tell me what happened?", "What do I do now?",
                   "Could someone look into it?", "When will I get an answer?", "Is this normal?"),
    },
}

_URGENCY_CUES = {
    "es": {
        "high": ("Es urgente.", "URGENTE.", "Necesitamos una solución hoy mismo.",
                 "Tenemos la obra parada por esto.", "Nuestros clientes están esperando.",
                 "Lo necesitamos antes del viernes sin falta.", "Por favor, lo antes posible.",
                 "Estamos perdiendo ventas cada día.", "No podemos facturar hasta que se arregle.",
                 "La línea de producción está parada."),
        "normal": ("Cuando podáis, por favor.", "Agradecería una respuesta esta semana.",
                   "Os agradecería que lo revisarais.", "Me dicen algo en estos días."),
        "low": ("No corre prisa.", "Sin prisa, es solo para saberlo.", "Cuando tengáis un momento.",
                "Es solo para nuestros registros.", "Para cuando tengan tiempo.", "Es para más adelante."),
    },
    "en": {
        "high": ("Urgent!", "URGENT.", "We need this fixed today.", "Our site work is stopped because of this.",
                 "Our customers are waiting on us.", "We need it before Friday, no exceptions.",
                 "Please, ASAP.", "We're losing sales every day.", "We can't invoice until this is fixed.",
                 "The production line is down."),
        "normal": ("When you can, please.", "Would appreciate an answer this week.",
                   "Could you look into it?", "Let me know in the next few days."),
        "low": ("No rush.", "No hurry, just curious.", "Whenever you get a chance.",
                "Just for our records.", "Whenever suits you.", "It's for later on."),
    },
}
# Probability a ticket carries its urgency cue; the rest say nothing about it.
_CUE_RATE = {"high": 0.6, "normal": 0.3, "low": 0.45}

_OTHER_LANGUAGE = {  # a sentence per category, for the ~1% in French, German or Portuguese
    "billing": ("La facture {invoice} est incorrecte, le montant ne correspond pas.",
                "Die Rechnung {invoice} ist falsch, der Betrag stimmt nicht.",
                "A fatura {invoice} está errada, o valor não corresponde."),
    "delivery": ("La commande {order} n'est toujours pas arrivée.",
                 "Die Bestellung {order} ist immer noch nicht angekommen.",
                 "A encomenda {order} ainda não chegou."),
    "product_defect": ("Le produit {product} ne fonctionne pas, il est cassé.",
                       "Das Produkt {product} funktioniert nicht, es ist kaputt.",
                       "O produto {product} não funciona, está avariado."),
    "returns": ("Je voudrais retourner la commande {order}.",
                "Ich möchte die Bestellung {order} zurückschicken.",
                "Quero devolver a encomenda {order}."),
    "account_access": ("Je ne peux pas me connecter au portail.",
                       "Ich kann mich nicht im Portal anmelden.",
                       "Não consigo entrar no portal."),
    "other": ("Avez-vous un catalogue à jour ?", "Haben Sie einen aktuellen Katalog?",
              "Têm um catálogo atualizado?"),
}

_EMOJI = {"negative": ("😡", "😤", "👎", "🤬", "😠", "😒", "🙄", "😩"), "neutral": ("🙂", "📦", "🤔", "👋", "📄"),
          "positive": ("😊", "🙏", "👍", "😀", "🥰", "👏", "🎉", "❤️")}
# A second problem a ticket of one category often mentions (overlapping vocabulary).
_CONFUSABLE = {"billing": "account_access", "delivery": "returns", "product_defect": "returns",
               "returns": "product_defect", "account_access": "billing", "other": "delivery"}
_SIGNATURES = ("Ana", "Luis", "Marta", "J. Pérez", "Carlos", "Tom", "Sarah", "Mike", "Dpto. compras",
               "Purchasing dept.")
# Long mail signatures, with the legal footers people never read (words such as "error" included).
_SIGNATURE_BLOCKS = {
    "es": ("--\nMarta Gómez\nResponsable de compras | Ferretería Gómez S.L.\nTel. 912 345 678",
           "Un saludo,\nLuis Ortega\nJefe de almacén\nEste mensaje y sus anexos son confidenciales. Si lo ha "
           "recibido por error, notifíquelo al remitente y bórrelo.",
           "Atte.\nIng. Carlos Ramírez\nGerente de Operaciones\nCel. 55 1234 5678",
           "Enviado desde mi iPhone",
           "--\nAna Ruiz · Administración\nAntes de imprimir este correo piense en el medio ambiente.",
           "Saludos cordiales,\nDpto. de Compras\nAviso legal: la información contenida en este correo es "
           "confidencial y para uso exclusivo del destinatario."),
    "en": ("--\nSarah Miller\nProcurement Manager | Miller Hardware Ltd\nTel. +44 20 7946 0000",
           "Best regards,\nTom Baker\nWarehouse lead\nThis e-mail and any attachments are confidential. If you "
           "received it in error, please notify the sender and delete it.",
           "Thanks,\nMike\nSent from my phone, please excuse typos",
           "Sent from my iPhone",
           "--\nJ. Smith · Accounts\nPlease consider the environment before printing this email.",
           "Kind regards,\nPurchasing dept.\nDisclaimer: the information in this message is confidential and "
           "intended only for its addressee."),
}
# The support team's earlier answer, quoted under the customer's reply.
_QUOTED = {
    "es": ("El {date}, Atención al cliente <soporte@example.com> escribió:\n> Hola, gracias por contactar con "
           "nosotros.\n> Hemos registrado su consulta y le responderemos en breve.",
           "-----Mensaje original-----\nDe: Soporte\nEnviado: {date}\nAsunto: Re: pedido {order}\n\nEstimado "
           "cliente, su caso está en revisión. Un saludo.",
           "El {date} escribió Soporte:\n> ¿Nos puede indicar el número de pedido?\n> Gracias."),
    "en": ("On {date}, Customer care <support@example.com> wrote:\n> Hi, thanks for getting in touch.\n> We have "
           "logged your request and will get back to you shortly.",
           "-----Original Message-----\nFrom: Support\nSent: {date}\nSubject: Re: order {order}\n\nDear customer, "
           "your case is under review. Kind regards.",
           "On {date} Support wrote:\n> Could you tell us the order number?\n> Thanks."),
}
# Peninsular Spanish forms and their Latin American counterparts (ustedes, vocabulary).
_LATIN_AMERICAN = {
    "vosotros": "ustedes", "os": "les", "habéis": "han", "podéis": "pueden", "tenéis": "tienen",
    "hacéis": "hacen", "sois": "son", "estéis": "estén", "vuestro": "su", "vuestra": "su", "vuestros": "sus",
    "distribuís": "distribuyen", "aceptáis": "aceptan", "disculpad": "disculpen", "revisad": "revisen",
    "actualizad": "actualicen", "revisadlo": "revísenlo", "podáis": "puedan", "tengáis": "tengan",
    "solucionáis": "solucionan", "revisarais": "revisaran", "escribiros": "escribirles", "ordenador": "computadora",
    "móvil": "celular", "coger": "tomar", "coge": "toma", "almacén": "bodega", "genial": "chévere",
    "compañero": "colega", "albarán": "remito", "presupuesto": "cotización", "cracks": "lo máximo",
}
_INFORMAL = {
    "es": {"que": "q", "porque": "xq", "por favor": "porfa", "también": "tb", "gracias": "grax",
           "todavía": "todavia", "qué": "q", "para": "pa", "está": "esta"},
    "en": {"you": "u", "your": "ur", "please": "pls", "thanks": "thx", "are": "r", "because": "cos",
           "tomorrow": "tmrw", "regards": "rgds", "as soon as possible": "asap", "i am": "im", "don't": "dont"},
}


# --- composition ---------------------------------------------------------

def _pick(rng: np.random.Generator, options: tuple[str, ...], half: int | None = None) -> str:
    """One option; with ``half`` (0 or 1), only from the options of that phrase family (even or odd places)."""
    if half is not None and len(options) > 1:
        options = options[half::2]
    return options[int(rng.integers(len(options)))]


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _typos(rng: np.random.Generator, text: str, count: int) -> str:
    """Swap, drop or double a few letters, as fast typists do."""
    chars = list(text)
    for _ in range(count):
        if len(chars) < 4:
            break
        at = int(rng.integers(1, len(chars) - 2))
        if not chars[at].isalpha():
            continue
        action = rng.integers(3)
        if action == 0:
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
        elif action == 1:
            del chars[at]
        else:
            chars.insert(at, chars[at])
    return "".join(chars)


def _replace_words(text: str, table: dict[str, str]) -> str:
    """Replace whole words (or phrases) of ``table``, keeping a capital initial."""
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, table), key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)

    def swap(match: re.Match) -> str:
        word = match.group(0)
        new = table[word.lower()]
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return pattern.sub(swap, text)


def _informal(rng: np.random.Generator, text: str, lang: str, sentiment: str, half: int | None) -> str:
    """Chat register: lower case, abbreviations, no opening ¿¡, doubled marks, an emoji."""
    text = _replace_words(text.lower(), _INFORMAL[lang]).replace("¿", "").replace("¡", "")
    text = re.sub(r"\?", "??", text) if rng.random() < 0.5 else text
    return f"{text} {_pick(rng, _EMOJI[sentiment], half)}"


def _as_html(rng: np.random.Generator, text: str) -> str:
    """The body as a mail client's HTML: paragraphs, line breaks, entities, a style block."""
    escaped = html.escape(text, quote=False).replace("á", "&aacute;").replace("é", "&eacute;").replace("ñ", "&ntilde;")
    paragraphs = "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in escaped.split("\n\n"))
    head = "<style>p{margin:0}</style>" if rng.random() < 0.5 else ""
    return f'<html><head>{head}</head><body><div dir="ltr">{paragraphs}</div></body></html>'


def _sentences(rng: np.random.Generator, lang: str, category: str, sentiment: str, draw: np.ndarray,
               half: int | None) -> list[str]:
    """The sentences that say what the ticket is about: complaints, questions or praise."""
    if draw[14] < 0.07:  # vague: the category is only in the labeller's head
        return [_pick(rng, _VAGUE[lang], half)]
    if sentiment == "negative":
        if draw[23] < 0.3:  # a complaint that ends in a question
            return [_pick(rng, _PROBLEMS[lang][category], half), _pick(rng, _CLOSINGS[lang]["asking"], half)]
        bank = _PROBLEMS
    elif sentiment == "neutral" or draw[15] < 0.5:
        bank = _REQUESTS
    else:
        bank = _PRAISE
    count = 1 + int(draw[1] < 0.15)  # long tickets tell more than one thing
    sentences = [_pick(rng, bank[lang][category], half) for _ in range(count)]
    if sentiment == "positive" and bank is _REQUESTS and draw[16] < 0.5:
        sentences.insert(0, _pick(rng, _PRAISE[lang][category], half))
    if draw[2] < 0.4:  # a second, related matter blurs the category
        sentences.insert(int(draw[2] < 0.12), _pick(rng, bank[lang][_CONFUSABLE[category]], half))
    return sentences


def compose_tickets(
    rng: np.random.Generator,
    langs: np.ndarray,
    categories: np.ndarray,
    urgencies: np.ndarray,
    sentiments: np.ndarray,
    context: pd.DataFrame,
    family_half: int | None = None,
) -> pd.DataFrame:
    """Write the subject and body of each ticket from its true labels.

    A ticket that reports a problem is negative whatever its words (angry,
    factual or polite); one that asks or requests without a problem is
    neutral; a positive one praises something. Around that core: openings
    and closings (angry, polite, warm or plain), details, urgency cues, then
    the way people write: Latin American or Peninsular Spanish, chat
    register with abbreviations and emoji, long signatures and legal
    footers, the support team's quoted answer, HTML mail, typos, missing
    accents, all lower or upper case.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    langs, categories, urgencies, sentiments : numpy.ndarray of str
        True labels per ticket; ``langs`` is ``"es"`` or ``"en"`` (the
        customer's language; about 1% are then written in another language).
    context : pandas.DataFrame
        One row per ticket with the columns ``order`` (e.g. ``"S00123"``),
        ``product`` (name), ``date`` (text), ``amount`` (number),
        ``invoice`` and ``qty``: what the customer refers to.
    family_half : {None, 0, 1}
        Write only with one half of every phrase bank (the phrases at even,
        or odd, places): a model trained on tickets of one half and tested on
        the other meets phrasings it never saw (cross-family evaluation).

    Returns
    -------
    pandas.DataFrame
        Columns ``lang`` (language actually written: es, en or other),
        ``subject`` and ``body``, one row per ticket.
    """
    half = family_half
    written, subjects, bodies = [], [], []
    for row, lang, category, urgency, sentiment in zip(
        context.itertuples(index=False), langs, categories, urgencies, sentiments
    ):
        values = {
            "order": row.order, "product": row.product, "date": row.date,
            "invoice": row.invoice, "qty": row.qty, "days": int(rng.integers(2, 21)),
            "amount": f"{row.amount:,.2f} {_CURRENCY[lang]}" if lang == "es" else f"{_CURRENCY[lang]}{row.amount:,.2f}",
        }
        other = "en" if lang == "es" else "es"
        draw = rng.random(24)
        # Subject: often specific, sometimes generic ("Incidencia", "Order S00123").
        subject = _pick(rng, _SUBJECTS[lang]["_generic" if draw[0] < 0.3 else category], half)
        # Mood shows in the opening and closing only part of the time; complaints are often polite.
        polite_or_plain = "polite" if draw[17] < 0.35 else "neutral"
        mood_open = sentiment if draw[12] < (0.4 if sentiment == "negative" else 0.55) else polite_or_plain
        mood_close = sentiment if draw[13] < (0.35 if sentiment == "negative" else 0.5) else polite_or_plain
        if sentiment == "neutral":
            mood_open = mood_close = polite_or_plain
        parts: list[str] = [_pick(rng, _OPENINGS[lang][mood_open], half)]
        parts += _sentences(rng, lang, category, sentiment, draw, half)
        n_details = int(rng.integers(0, 4))
        parts += list(rng.choice(_DETAILS[lang][half::2] if half is not None else _DETAILS[lang], n_details,
                                 replace=False))
        if draw[3] < _CUE_RATE[urgency]:
            parts.append(_pick(rng, _URGENCY_CUES[lang][urgency], half))
        elif draw[3] > 0.97:  # somebody shouting for a small thing
            parts.append(_pick(rng, _URGENCY_CUES[lang]["high"], half))
        if draw[4] < 0.05:  # a phrase of the other language (bilingual staff, forwarded mail)
            parts.insert(int(rng.integers(len(parts) + 1)),
                         _pick(rng, _CLOSINGS[other][mood_close] + _DETAILS[other], half))
        parts.append(_pick(rng, _CLOSINGS[lang][mood_close], half))
        if draw[5] < 0.3:
            parts.append(_pick(rng, _SIGNATURES, half))
        if draw[6] < 0.08:  # very short: a single fragment, like a chat message
            parts = _sentences(rng, lang, category, sentiment, np.ones(24), half)
        lang_written = lang
        if draw[7] < 0.01:  # written in French, German or Portuguese
            sentence = _pick(rng, _OTHER_LANGUAGE[category])
            parts = [sentence] + [_pick(rng, _DETAILS[lang])] * int(draw[8] < 0.3)
            subject = sentence.split(" {")[0].split(",")[0]
            lang_written = "other"
        body = " ".join(part for part in parts if part)
        if lang_written != "other":
            if draw[18] < 0.2:  # a mail: greeting, text and signature on their own lines
                body = body + "\n\n" + _pick(rng, _SIGNATURE_BLOCKS[lang], half)
            if draw[19] < 0.1:  # a reply above the support team's earlier answer
                body = body + "\n\n" + _pick(rng, _QUOTED[lang], half)
        body, subject = body.format(**values), subject.format(**values)
        if lang_written == "es" and draw[20] < 0.5:  # half the Spanish speakers write from Latin America
            body, subject = _replace_words(body, _LATIN_AMERICAN), _replace_words(subject, _LATIN_AMERICAN)
        if lang_written != "other" and draw[21] < 0.12:
            body = _informal(rng, body, lang, sentiment, half)
        elif draw[9] < 0.12 and sentiment != "neutral":
            body += " " + _pick(rng, _EMOJI[sentiment], half)
        if lang == "es" and draw[10] < 0.35:
            body, subject = _strip_accents(body), _strip_accents(subject)
        if draw[11] < 0.3:
            body = _typos(rng, body, int(rng.integers(1, 4)))
        case = rng.random()
        if case < 0.12:
            body, subject = body.lower(), subject.lower()
        elif case < 0.15 or (case < 0.25 and sentiment == "negative" and urgency == "high"):
            body = body.upper()
        if draw[22] < 0.08:
            body = _as_html(rng, body)
        written.append(lang_written)
        subjects.append(subject)
        bodies.append(body)
    return pd.DataFrame({"lang": written, "subject": subjects, "body": bodies})


def _mislabel(rng: np.random.Generator, labels: np.ndarray, choices: tuple[str, ...], rate: float) -> np.ndarray:
    """Replace a share of labels by another choice, as a hurried labeller would."""
    labels = labels.copy()
    wrong = rng.random(len(labels)) < rate
    shift = rng.integers(1, len(choices), wrong.sum())
    codes = np.searchsorted(np.array(sorted(choices)), labels[wrong])
    labels[wrong] = np.array(sorted(choices))[(codes + shift) % len(choices)]
    return labels


def _true_labels(
    rng: np.random.Generator, n: int, negativity: np.ndarray | float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw categories, urgencies and sentiments; ``negativity`` (0-1) sours the mood."""
    categories = rng.choice(CATEGORIES, n, p=[0.22, 0.27, 0.17, 0.14, 0.08, 0.12])
    negativity = np.broadcast_to(np.asarray(negativity, dtype=float), (n,))
    # Mood: base mix 40% negative / 42% neutral / 18% positive, pushed negative by `negativity`.
    p_negative = 0.40 + 0.50 * negativity
    p_positive = 0.18 * (1.0 - negativity)
    u = rng.random(n)
    sentiments = np.where(u < p_negative, "negative", np.where(u < 1.0 - p_positive, "neutral", "positive"))
    # As a person labels urgency: a problem that blocks work is high (more often with deliveries and defects),
    # a plain question or a thank-you is mostly low (no time pressure), the rest normal.
    negative, positive = sentiments == "negative", sentiments == "positive"
    p_high = np.where(negative, 0.28 + 0.08 * np.isin(categories, ["delivery", "product_defect"]),
                      np.where(positive, 0.01, 0.04))
    p_low = np.where(negative, 0.05, np.where(positive, 0.8, np.where(categories == "other", 0.8, 0.65)))
    v = rng.random(n)
    urgencies = np.where(v < p_high, "high", np.where(v < p_high + p_low, "low", "normal"))
    return categories, urgencies, sentiments


def _feedback_scores(rng: np.random.Generator, sentiments: np.ndarray) -> np.ndarray:
    """Rating 1-5 at closing, following the mood with noise; about 40% never rate."""
    centre = np.select([sentiments == "negative", sentiments == "positive"], [2.0, 4.5], 3.6)
    scores = np.clip(np.rint(centre + rng.normal(0, 0.9, len(sentiments))), 1, 5)
    return np.where(rng.random(len(sentiments)) < 0.6, scores, np.nan)


def make_ticket_corpus(n: int = 5000, seed: int = 7, family_half: int | None = None) -> pd.DataFrame:
    """A labelled ticket corpus, standalone (no demo company needed).

    Parameters
    ----------
    n : int
        Number of tickets.
    seed : int
        Seed: the same seed gives the same corpus.
    family_half : {None, 0, 1}
        Write with one half of the phrase families only (see
        :func:`compose_tickets`); all of them by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``lang`` (es, en, other), ``subject``, ``body``,
        ``category``, ``urgency``, ``sentiment`` (observed labels, with
        about 5% category noise) and ``true_category`` (before the noise).
    """
    rng = np.random.default_rng([seed, 41])
    langs = rng.choice(np.array(["es", "en"]), n, p=[0.6, 0.4])
    categories, urgencies, sentiments = _true_labels(rng, n)
    context = _random_context(rng, n, date(2026, 10, 31))
    texts = compose_tickets(rng, langs, categories, urgencies, sentiments, context, family_half)
    return texts.assign(
        category=_mislabel(rng, categories, CATEGORIES, LABEL_NOISE),
        urgency=urgencies,
        sentiment=sentiments,
        true_category=categories,
    )


def _random_context(rng: np.random.Generator, n: int, around: date) -> pd.DataFrame:
    """Plausible order references, products, dates and amounts without a company."""
    products = make_products(rng, 120)["name"].to_numpy()
    days_back = rng.integers(1, 365, n)
    dates = pd.Timestamp(around) - pd.to_timedelta(days_back, unit="D")
    order_ids = rng.integers(1, 40000, n)
    return pd.DataFrame({
        "order": [f"S{i:05d}" for i in order_ids],
        "product": products[rng.integers(len(products), size=n)],
        "date": dates.strftime("%d/%m/%Y"),
        "amount": np.round(np.exp(rng.normal(5.0, 1.2, n)), 2),
        "invoice": [f"INV/{d.year}/{i:05d}" for d, i in zip(dates, order_ids)],
        "qty": rng.integers(1, 50, n),
    })


def generate_tickets(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    order_lines: pd.DataFrame,
    n: int,
    *,
    products: pd.DataFrame,
    truth: pd.DataFrame,
    start: date,
    end: date,
) -> pd.DataFrame:
    """The ``tickets`` table of a demo company.

    Customers complain in proportion to how much they buy, and churners
    complain more, and more angrily, in the months before their churn date
    (except the silent ones, whose ``churn_propensity`` is low). Each ticket
    refers to the customer's latest order before it, when there is one.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    customers, orders, order_lines, products : pandas.DataFrame
        Tables of the company (schema columns).
    n : int
        Target number of tickets (the result has about that many).
    truth : pandas.DataFrame
        Hidden ``truth`` table: ``churn_date`` and ``churn_propensity``.
    start, end : datetime.date
        Window of ticket creation dates (``end`` is the reference date).

    Returns
    -------
    pandas.DataFrame
        The ``tickets`` table (schema columns and order), sorted by date.
    """
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    months = pd.date_range(start_ts, end_ts, freq="MS")
    if len(months) == 0 or months[0] > start_ts:
        months = months.insert(0, start_ts.to_period("M").to_timestamp())
    month_mid = (months + pd.Timedelta(days=15)).to_numpy()
    info = customers[["customer_id", "lang", "created_at"]].merge(
        truth[["customer_id", "churn_date", "churn_propensity"]], on="customer_id", how="left"
    )
    # Activity: customers with more orders write more.
    order_counts = orders.groupby("customer_id").size().reindex(info["customer_id"], fill_value=0).to_numpy()
    activity = np.sqrt(1.0 + order_counts)
    propensity = info["churn_propensity"].fillna(0.0).to_numpy()
    churn = info["churn_date"].to_numpy(dtype="datetime64[ns]")
    days_to_churn = (churn[:, None] - month_mid[None, :]) / np.timedelta64(1, "D")  # NaN if never
    # Complaints swell in the months before churn, loudly for high-propensity churners only.
    bump = churn_pressure(days_to_churn) * (warning_strength(propensity) * 4.0)[:, None]
    alive = np.isnan(days_to_churn) | (days_to_churn > -20)
    created = info["created_at"].to_numpy(dtype="datetime64[ns]")
    exists = created[:, None] <= month_mid[None, :]
    # Some loyal customers complain a lot anyway (a fussy buyer, a demanding site).
    fussiness = rng.gamma(1.5, 1.0 / 1.5, len(info))
    intensity = (activity * fussiness)[:, None] * (1.0 + bump) * alive * exists
    counts = rng.poisson(intensity * (n / max(intensity.sum(), 1e-9)))
    cust_index, month_index = np.nonzero(counts)
    repeats = counts[cust_index, month_index]
    cust_index, month_index = np.repeat(cust_index, repeats), np.repeat(month_index, repeats)
    created_at = (months.to_numpy()[month_index]
                  + pd.to_timedelta(rng.integers(0, 28, len(cust_index)), unit="D").to_numpy())
    created_at = np.minimum(np.maximum(created_at, start_ts.to_datetime64()), end_ts.to_datetime64())
    tickets = pd.DataFrame({
        "customer_id": info["customer_id"].to_numpy()[cust_index],
        "created_at": pd.to_datetime(created_at).normalize(),
        "negativity": np.clip(bump[cust_index, month_index] / 3.0, 0, 1) * 0.9,
        "lang": info["lang"].astype(str).to_numpy()[cust_index],
    }).sort_values(["created_at", "customer_id"], kind="stable").reset_index(drop=True)
    tickets = _attach_orders(rng, tickets, orders, order_lines, products)
    n_tickets = len(tickets)
    categories, urgencies, sentiments = _true_labels(rng, n_tickets, tickets["negativity"].to_numpy())
    # Tickets without an order are about accounts or questions, not deliveries.
    no_order = tickets["order_id"].isna().to_numpy()
    categories = np.where(no_order & np.isin(categories, ["delivery", "returns", "product_defect"]),
                          rng.choice(np.array(["account_access", "other", "billing"]), n_tickets), categories)
    texts = compose_tickets(rng, tickets["lang"].to_numpy(), categories, urgencies, sentiments, tickets)
    resolution_days = np.rint(rng.lognormal(np.where(urgencies == "high", 0.3, 1.1), 0.8)).astype(int)
    closed_at = tickets["created_at"] + pd.to_timedelta(resolution_days, unit="D")
    still_open = (closed_at > end_ts) | (rng.random(n_tickets) < 0.03)
    closed_at = closed_at.where(~still_open)
    feedback = np.where(still_open, np.nan, _feedback_scores(rng, sentiments))
    return pd.DataFrame({
        "ticket_id": np.arange(1, n_tickets + 1, dtype=np.int64),
        "customer_id": tickets["customer_id"].astype("int64"),
        "order_id": tickets["order_id"].astype("Int64"),
        "product_id": tickets["product_id"].astype("Int64"),
        "created_at": tickets["created_at"],
        "closed_at": closed_at,
        "lang": texts["lang"],
        "subject": texts["subject"],
        "body": texts["body"],
        "category": _mislabel(rng, categories, CATEGORIES, LABEL_NOISE),
        "urgency": urgencies,
        "sentiment": sentiments,
        "feedback_score": feedback,
    })


def _attach_orders(
    rng: np.random.Generator,
    tickets: pd.DataFrame,
    orders: pd.DataFrame,
    order_lines: pd.DataFrame,
    products: pd.DataFrame,
) -> pd.DataFrame:
    """Link each ticket to the customer's latest order before it (85% of the time)."""
    line_totals = order_lines.assign(total=order_lines["qty"] * order_lines["price_unit"]
                                     * (1 - order_lines["discount"] / 100))
    first_lines = order_lines.drop_duplicates("order_id")[["order_id", "product_id", "qty"]]
    order_info = (orders[["order_id", "customer_id", "date_order"]]
                  .merge(line_totals.groupby("order_id", as_index=False)["total"].sum(), on="order_id")
                  .merge(first_lines, on="order_id")
                  .sort_values("date_order"))
    linked = pd.merge_asof(
        tickets.sort_values("created_at"), order_info, left_on="created_at", right_on="date_order",
        by="customer_id", direction="backward",
    ).sort_values(["created_at", "customer_id"], kind="stable").reset_index(drop=True)
    unlinked = rng.random(len(linked)) < 0.15
    linked.loc[unlinked, ["order_id", "product_id"]] = np.nan
    names = products.set_index("product_id")["name"]
    fallback_names = products["name"].to_numpy()[rng.integers(len(products), size=len(linked))]
    order_dates = linked["date_order"].fillna(linked["created_at"] - pd.Timedelta(days=10))
    order_refs = linked["order_id"].fillna(pd.Series(rng.integers(1, 99999, len(linked)))).astype(int)
    return linked.assign(
        order=[f"S{i:05d}" for i in order_refs],
        product=linked["product_id"].map(names).fillna(pd.Series(fallback_names)),
        date=order_dates.dt.strftime("%d/%m/%Y"),
        amount=linked["total"].fillna(pd.Series(np.exp(rng.normal(5.0, 1.0, len(linked))))),
        invoice=[f"INV/{d.year}/{i:05d}" for d, i in zip(order_dates, order_refs)],
        qty=linked["qty"].fillna(1).astype(int),
    )


def write_ticket_seed(directory: str | Path | None = None, n: int = SEED_SIZE, seed: int = SEED) -> dict[str, Any]:
    """Write the seed ticket corpus of ``ai_insights`` and its card; return the card.

    Parameters
    ----------
    directory : path, optional
        Where to write; by default the ``ai_insights.nlp.seed`` package
        folder of this checkout (the shipped files).
    n, seed : int
        Size and seed of :func:`make_ticket_corpus`; the same pair gives the
        same file, byte for byte.
    """
    from ai_insights.nlp import seed as ticket_seed  # here: importing ai_insights.nlp loads spaCy

    command = f"PYTHONPATH=.:data python data/demo_company/tickets.py seed-tickets --size {n} --seed {seed}"
    provenance = {
        "generator": "make_ticket_corpus in data/demo_company/tickets.py (the demo company's ticket generator)",
        "seed": seed, "size": n, "command": command,
    }
    target = directory or Path(ticket_seed.__file__).parent
    return ticket_seed.write_seed_corpus(make_ticket_corpus(n=n, seed=seed), target, provenance)


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Tools on the demo ticket generator.")
    sub = parser.add_subparsers(dest="command", required=True)
    seed_parser = sub.add_parser("seed-tickets", help="regenerate the seed ticket corpus ai_insights ships")
    seed_parser.add_argument("--out", type=Path, help="folder to write to (default: ai_insights/nlp/seed)")
    seed_parser.add_argument("--size", type=int, default=SEED_SIZE)
    seed_parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    card = write_ticket_seed(args.out, n=args.size, seed=args.seed)
    print(f"{card['rows']} tickets, {card['bytes']} bytes, sha256 {card['sha256']}")


if __name__ == "__main__":
    _main()
