// Generated corpora for the sensitive-mail guard: ordinary business mail (which must pass) and
// security or personal mail (which must be caught), from templates × vocabulary in English,
// Portuguese and Spanish, with a seeded generator so every run sees the same mails.
import type { MailToClassify, SensitiveRule } from '../../src/mail/sensitive-mail.ts';

type Vocab = ReturnType<typeof pickVocab>;
type Template = (v: Vocab) => MailToClassify;

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const people = [
  'Ana Souza',
  'John Miller',
  'María González',
  'Pedro Alves',
  'Laura Chen',
  'Diego Ruiz',
  'Sofia Rossi',
  'Carlos Lima',
];
const companies = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Vértice Ltda',
  'Soluciones Andinas',
  'Northwind',
  'Umbrella Health',
  'Banco Atlântico',
  'SecureNet',
  'PayFlow',
];
const products = [
  'CRM seats',
  'security awareness training',
  'payroll integration',
  'SOC 2 audit',
  'data migration',
  'cloud backup',
  'endpoint protection',
  'analytics dashboard',
  'two-factor authentication module',
  'password manager rollout',
];
const services = [
  'Google',
  'Microsoft',
  'Apple',
  'Amazon',
  'GitHub',
  'Slack',
  'Dropbox',
  'Nubank',
  'Itaú',
  'BBVA',
  'Santander',
  'Chase',
  'Mercado Pago',
  'Zoom',
];
const banks = [
  'Itaú',
  'Nubank',
  'Bradesco',
  'BBVA',
  'Santander',
  'Chase',
  'Banco Galicia',
  'CaixaBank',
];

function pickVocab(rand: () => number) {
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  return {
    person: pick(people),
    other: pick(people),
    company: pick(companies),
    product: pick(products),
    service: pick(services),
    bank: pick(banks),
    code: `${1 + Math.floor(rand() * 9)}${digits(5)}`,
    amount: `${1 + Math.floor(rand() * 90)},${digits(3)}.00`,
    invoice: `INV-2024-${digits(4)}`,
    last4: digits(4),
    day: pick(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']),
    dia: pick(['segunda', 'terça', 'quarta', 'quinta', 'sexta']),
    dia_es: pick(['lunes', 'martes', 'miércoles', 'jueves', 'viernes']),
    hour: `${9 + Math.floor(rand() * 8)}:${pick(['00', '15', '30', '45'])}`,
    meetingId: `${digits(3)} ${digits(4)} ${digits(4)}`,
    year: pick(['2024', '2025', '2026']),
  };
}

const mail = (subject: string, from: string, text: string): MailToClassify => ({
  subject,
  from,
  text,
});

export const businessTemplates: Template[] = [
  // English
  (v) =>
    mail(
      `Proposal for ${v.product} - ${v.company}`,
      `${v.person} <sales@vendor.test>`,
      `Hi ${v.other},\n\nAttached is our proposal for ${v.product}. The total is $${v.amount} for ${v.year}, including onboarding.\nLet me know if you have questions.\n\nBest,\n${v.person}`,
    ),
  (v) =>
    mail(
      `Meeting ${v.day} at ${v.hour}?`,
      `${v.person} <p@client.test>`,
      `Hi,\n\nCould we meet on ${v.day} at ${v.hour} to go over the ${v.product} rollout?\n\nJoin Zoom Meeting\nMeeting ID: ${v.meetingId}\nPasscode: ${v.code}\n\nThanks`,
    ),
  (v) =>
    mail(
      `Invoice ${v.invoice} from ${v.company}`,
      `billing@vendor.test`,
      `Hello,\n\nPlease find attached invoice ${v.invoice} for ${v.product}.\nAmount due: $${v.amount}\nBalance due by ${v.day}. Paid by card ending in ${v.last4} if autopay is on.\nBank transfer details: IBAN PT50 0002 0123 1234 5678 9015 4.\n\nThank you for your business.`,
    ),
  (v) =>
    mail(
      `Your receipt from ${v.company} [#${v.code}]`,
      `no-reply@payments.vendor.test`,
      `Receipt #${v.code}\n\nAmount paid: $${v.amount}\nPayment method: Visa ending in ${v.last4}\nDate paid: ${v.day}\n\nIf you have any questions, contact billing.`,
    ),
  (v) =>
    mail(
      `Password reset emails not arriving for our users`,
      `${v.person} <it@client.test>`,
      `Hello support,\n\nSince ${v.day} our users report that the password reset email from your platform takes over an hour to arrive. Can you check the delivery logs?\n\nThanks,\n${v.person}`,
    ),
  (v) =>
    mail(
      `Re: Password reset link not working`,
      `${v.person} <support@vendor.test>`,
      `Hi ${v.other},\n\nWe found the issue: the reset link expired after 10 minutes. We extended it to 60. Please ask the user to reset your password flow again and confirm.\n\nTicket #${v.code}`,
    ),
  (v) =>
    mail(
      `Contract draft - ${v.company}`,
      `${v.person} <legal@client.test>`,
      `Hi,\n\nI've uploaded the contract draft to the data room. The password for the data room will come in a separate email, as agreed.\nClause 7 covers security incidents and two-factor authentication for admin accounts.\n\nRegards`,
    ),
  (v) =>
    mail(
      `${v.company} x SecureNet: security alert dashboard demo`,
      `${v.person} <events@securenet.test>`,
      `Hi ${v.other},\n\nThanks for your interest in our security alert dashboard. Our platform detects suspicious activity and unusual sign-in patterns across your fleet.\nCan we book 30 minutes on ${v.day}?`,
    ),
  (v) =>
    mail(
      `Payroll integration pricing`,
      `${v.person} <sales@payflow.test>`,
      `Hello ${v.other},\n\nOur payroll integration generates payslips for your ${v.amount} employees automatically and syncs with your bank.\nPricing starts at $4 per employee per month.\n\nBest,\n${v.person}`,
    ),
  (v) =>
    mail(
      `Q${1 + (v.code.charCodeAt(0) % 4)} security review findings`,
      `${v.person} <ciso@client.test>`,
      `Team,\n\nThe security code review for release ${v.year}.${v.last4.slice(0, 1)} found 3 medium issues. Two-factor authentication is enabled for all admins now.\nPlease schedule fixes before ${v.day}.`,
    ),
  (v) =>
    mail(
      `New device pricing for ${v.year}`,
      `${v.person} <partners@vendor.test>`,
      `Hi,\n\nAttached is the new device pricing list for ${v.year}. Volume discounts apply above 50 units.\n\nThanks`,
    ),
  (v) =>
    mail(
      `Support ticket #${v.code}: login issue`,
      `${v.person} <helpdesk@client.test>`,
      `Hi,\n\nUser ${v.other} cannot log in to the ${v.product} portal since ${v.day}. The verification code step in your onboarding never shows.\nCan you help?`,
    ),
  (v) =>
    mail(
      `Follow-up: ${v.product}`,
      `${v.person} <ceo@client.test>`,
      `Hi ${v.other},\n\nGreat talking today. As discussed, we'll start with a pilot of ${v.product} for ${v.amount} users.\nOur bank, ${v.bank}, is also interested.\n\nCheers`,
    ),
  (v) =>
    mail(
      `Purchase order ${v.invoice}`,
      `procurement@client.test`,
      `Hello,\n\nPlease find purchase order ${v.invoice} for ${v.product}. Payment terms: net 30 via wire transfer to account ending ${v.last4}.\n\nProcurement`,
    ),
  // Automated business mail: the sender looks like a system, so only precise wording may fire.
  (v) =>
    mail(
      `Your invoice ${v.invoice} is available`,
      `no-reply@billing.vendor.test`,
      `Hi ${v.person},\n\nYour invoice ${v.invoice} for ${v.product} is available. We will charge the card ending in ${v.last4} on ${v.day}.\nBalance due: $${v.amount}.\n\nManage billing in your account settings.`,
    ),
  (v) =>
    mail(
      `${v.person} commented on "${v.product} proposal"`,
      `notifications@crm.test`,
      `${v.person}: "Before we sign, can you confirm two-factor authentication is enabled for all admin users and that password reset links expire?"\n\nReply to this email to comment.`,
    ),
  (v) =>
    mail(
      `Invitation: ${v.product} demo @ ${v.day} ${v.hour}`,
      `calendar-notification@google.test`,
      `${v.person} has invited you to this event.\n\nJoin Zoom Meeting\nMeeting ID: ${v.meetingId}\nPasscode: ${v.code}\n\nInvitation from Google Calendar`,
    ),
  (v) =>
    mail(
      `[Alert] API latency above 500 ms`,
      `alerts@monitoring.vendor.test`,
      `Alert triggered for ${v.company} production at ${v.hour}.\nSecurity group sg-${v.last4} unchanged. Error code 5${v.last4.slice(0, 2)}.`,
    ),
  (v) =>
    mail(
      `Nota fiscal eletrônica emitida - NF ${v.last4}`,
      `nao-responda@nfse.prefeitura.test`,
      `Prezado(a),\n\nFoi emitida a NFS-e número ${v.last4} por ${v.company}.\nValor: R$ ${v.amount}\nCódigo de verificação: ${v.invoice.slice(-4)}AB${v.last4.slice(0, 2)}\n\nConsulte a autenticidade no portal da prefeitura.`,
    ),
  (v) =>
    mail(
      `Sua fatura ${v.invoice} está disponível`,
      `no-reply@cobranca.fornecedor.test`,
      `Olá ${v.person},\n\nA fatura ${v.invoice} de ${v.product} no valor de R$ ${v.amount} está disponível. O débito no cartão final ${v.last4} ocorrerá no vencimento.`,
    ),
  (v) =>
    mail(
      `Nuevo comentario en la propuesta`,
      `notificaciones@crm.test`,
      `${v.person} comentó: "¿Pueden confirmar que la autenticación de dos factores está activada para los administradores?"`,
    ),
  (v) =>
    mail(
      `Order ${v.code} confirmed`,
      `orders@shop.vendor.test`,
      `Thanks for your order of ${v.product}.\nConfirmation code: ${v.code}\nTotal: $${v.amount}`,
    ),
  (v) =>
    mail(
      `Welcome to ${v.company}`,
      `no-reply@${v.company.toLowerCase().replace(/\W/g, '')}.test`,
      `Hi ${v.person},\n\nYour workspace is ready. Sign in at https://app.vendor.test with your work email. You can change your password anytime in settings.`,
    ),
  (v) =>
    mail(
      `Holerite digital para a ${v.company}`,
      `marketing@rhsoft.test`,
      `Conheça o holerite digital: envio automático para ${v.amount} colaboradores e assinatura eletrônica.`,
    ),
  // Portuguese
  (v) =>
    mail(
      `Proposta comercial - ${v.product}`,
      `${v.person} <vendas@fornecedor.test>`,
      `Olá ${v.other},\n\nSegue a proposta para ${v.product}. O valor total é R$ ${v.amount} para ${v.year}.\nFico à disposição.\n\nAbraço,\n${v.person}`,
    ),
  (v) =>
    mail(
      `Reunião na ${v.dia} às ${v.hour}`,
      `${v.person} <p@cliente.test>`,
      `Oi,\n\nPodemos nos reunir na ${v.dia} às ${v.hour} para falar do projeto?\n\nEntrar na reunião Zoom\nID da reunião: ${v.meetingId}\nSenha: ${v.code}\n\nObrigado`,
    ),
  (v) =>
    mail(
      `Fatura ${v.invoice} - ${v.company}`,
      `faturamento@fornecedor.test`,
      `Prezado cliente,\n\nSegue a fatura ${v.invoice} referente a ${v.product}.\nValor: R$ ${v.amount}\nVencimento: ${v.dia}.\nPagamento via boleto ou Pix para a chave CNPJ.\n\nAtenciosamente`,
    ),
  (v) =>
    mail(
      `Pix enviado - NF ${v.last4}`,
      `${v.person} <financeiro@cliente.test>`,
      `Olá,\n\nSegue o comprovante do Pix enviado referente à nota fiscal ${v.last4}, no valor de R$ ${v.amount}.\n\nAtt,\n${v.person}`,
    ),
  (v) =>
    mail(
      `Problema na redefinição de senha do portal`,
      `${v.person} <ti@cliente.test>`,
      `Olá suporte,\n\nNossos usuários não conseguem redefinir a senha no portal desde ${v.dia}. O link chega expirado.\nPodem verificar?\n\nObrigado`,
    ),
  (v) =>
    mail(
      `Contrato ${v.company} - minuta`,
      `${v.person} <juridico@cliente.test>`,
      `Olá,\n\nA minuta do contrato está na pasta compartilhada. A senha da pasta segue em outro e-mail.\nA cláusula 9 trata de autenticação de dois fatores para administradores.\n\nAtt`,
    ),
  (v) =>
    mail(
      `Integração de folha de pagamento`,
      `${v.person} <comercial@payflow.test>`,
      `Olá ${v.other},\n\nNossa integração gera o holerite de cada colaborador automaticamente e envia ao banco.\nO preço começa em R$ 20 por colaborador.\n\nAbraço`,
    ),
  (v) =>
    mail(
      `Chamado #${v.code}: erro no código de verificação`,
      `${v.person} <helpdesk@cliente.test>`,
      `Olá,\n\nO usuário ${v.other} não recebe o código de verificação ao entrar no ${v.product}. Podem ajudar?\n\nObrigado`,
    ),
  (v) =>
    mail(
      `Apresentação: alerta de segurança e monitoramento`,
      `${v.person} <eventos@securenet.test>`,
      `Olá,\n\nNossa plataforma envia alerta de segurança quando detecta atividade suspeita na sua rede.\nPodemos agendar uma demonstração na ${v.dia}?`,
    ),
  (v) =>
    mail(
      `Pedido de compra ${v.invoice}`,
      `compras@cliente.test`,
      `Prezados,\n\nSegue o pedido de compra ${v.invoice} de ${v.product}. Pagamento em 30 dias por transferência bancária.\n\nCompras`,
    ),
  (v) =>
    mail(
      `Pedido ${v.code} confirmado`,
      `pedidos@loja.fornecedor.test`,
      `Obrigado pela compra de ${v.product}.\nCódigo de confirmação do pedido: ${v.code}\nTotal: R$ ${v.amount}`,
    ),
  // Spanish
  (v) =>
    mail(
      `Propuesta para ${v.product}`,
      `${v.person} <ventas@proveedor.test>`,
      `Hola ${v.other},\n\nAdjunto la propuesta para ${v.product}. El total es de USD ${v.amount} para ${v.year}.\nQuedo atento.\n\nSaludos,\n${v.person}`,
    ),
  (v) =>
    mail(
      `¿Reunión el ${v.dia_es} a las ${v.hour}?`,
      `${v.person} <p@cliente.test>`,
      `Hola,\n\n¿Podemos reunirnos el ${v.dia_es} a las ${v.hour}?\n\nUnirse a la reunión Zoom\nID de reunión: ${v.meetingId}\nCódigo de acceso: ${v.code}\n\nGracias`,
    ),
  (v) =>
    mail(
      `Factura ${v.invoice} de ${v.company}`,
      `facturacion@proveedor.test`,
      `Estimado cliente,\n\nAdjuntamos la factura ${v.invoice} por ${v.product}.\nImporte: USD ${v.amount}\nVencimiento: ${v.dia_es}. Cargo en tarjeta terminada en ${v.last4} si tiene domiciliación.\n\nGracias`,
    ),
  (v) =>
    mail(
      `Problema con el restablecimiento de contraseña`,
      `${v.person} <ti@cliente.test>`,
      `Hola soporte,\n\nNuestros usuarios no pueden restablecer la contraseña en el portal desde el ${v.dia_es}.\n¿Pueden revisarlo?\n\nGracias`,
    ),
  (v) =>
    mail(
      `Contrato ${v.company} - borrador`,
      `${v.person} <legal@cliente.test>`,
      `Hola,\n\nEl borrador del contrato está en la carpeta compartida; la contraseña va en otro correo.\nLa cláusula 5 exige autenticación de dos factores para administradores.\n\nSaludos`,
    ),
  (v) =>
    mail(
      `Software de nómina: demo`,
      `${v.person} <ventas@payflow.test>`,
      `Hola ${v.other},\n\nNuestro software de nómina genera los recibos de sueldo y los envía al banco automáticamente.\n¿Agendamos una demo el ${v.dia_es}?`,
    ),
  (v) =>
    mail(
      `Incidencia #${v.code}: código de verificación`,
      `${v.person} <soporte@cliente.test>`,
      `Hola,\n\nEl usuario ${v.other} no recibe el código de verificación al ingresar en ${v.product}.\n¿Nos ayudan?\n\nGracias`,
    ),
  (v) =>
    mail(
      `Transferencia realizada - factura ${v.last4}`,
      `${v.person} <tesoreria@cliente.test>`,
      `Hola,\n\nLes confirmo la transferencia realizada por la factura ${v.last4}, importe USD ${v.amount}.\n\nSaludos,\n${v.person}`,
    ),
];

export const sensitiveTemplates: { rule: SensitiveRule; make: Template }[] = [
  {
    rule: 'one_time_code',
    make: (v) =>
      mail(
        `${v.code} is your ${v.service} verification code`,
        `no-reply@${v.service.toLowerCase()}.test`,
        `Use this code to finish signing in: ${v.code}\nIt expires in 10 minutes.`,
      ),
  },
  {
    rule: 'one_time_code',
    make: (v) =>
      mail(
        `Your ${v.service} security code`,
        `account-security-noreply@${v.service.toLowerCase()}.test`,
        `Security code: ${v.code}\n\nIf you didn't request this code, you can safely ignore this email.`,
      ),
  },
  {
    rule: 'one_time_code',
    make: (v) =>
      mail(
        `Seu código de verificação ${v.service}`,
        `nao-responda@${v.service.toLowerCase()}.test`,
        `Olá,\n\nSeu código de verificação é ${v.code}. Ele expira em 10 minutos.\nNunca compartilhe este código.`,
      ),
  },
  {
    rule: 'one_time_code',
    make: (v) =>
      mail(
        `Tu código de seguridad de ${v.service}`,
        `seguridad@${v.service.toLowerCase()}.test`,
        `Hola,\n\nTu código de seguridad es: ${v.code}\nNo compartas este código con nadie.`,
      ),
  },
  {
    rule: 'one_time_code',
    make: (v) =>
      mail(
        `Sign in to ${v.service}`,
        `noreply@${v.service.toLowerCase()}.test`,
        `Your one-time code is\n\n${v.code}\n\nEnter it on the sign-in page.`,
      ),
  },
  {
    rule: 'password_reset',
    make: (v) =>
      mail(
        `Reset your ${v.service} password`,
        `no-reply@${v.service.toLowerCase()}.test`,
        `Hi ${v.person},\n\nWe received a request to reset your password. Click the link below to choose a new one.\nIf you didn't request a password reset, ignore this email.`,
      ),
  },
  {
    rule: 'password_reset',
    make: (v) =>
      mail(
        `Your ${v.service} password was changed`,
        `security@${v.service.toLowerCase()}.test`,
        `Hi,\n\nThe password for your account was changed on ${v.day}.\nIf this wasn't you, secure your account now.`,
      ),
  },
  {
    rule: 'password_reset',
    make: (v) =>
      mail(
        `Redefinição de senha - ${v.service}`,
        `naoresponda@${v.service.toLowerCase()}.test`,
        `Olá,\n\nRecebemos uma solicitação para redefinir sua senha. Clique no link abaixo.\nSe você não solicitou, ignore este e-mail.`,
      ),
  },
  {
    rule: 'password_reset',
    make: (v) =>
      mail(
        `Restablecer tu contraseña de ${v.service}`,
        `no-reply@${v.service.toLowerCase()}.test`,
        `Hola,\n\nHaz clic en el enlace para restablecer tu contraseña.\nSi no solicitaste este cambio, ignora este mensaje.`,
      ),
  },
  {
    rule: 'sign_in_alert',
    make: (v) =>
      mail(
        `Security alert`,
        `no-reply@accounts.${v.service.toLowerCase()}.test`,
        `New sign-in to your ${v.service} Account\n\n${v.person.split(' ')[0]?.toLowerCase()}@gmail.test\nWe noticed a new sign-in to your account on a Windows device. If this was you, you don't need to do anything.`,
      ),
  },
  {
    rule: 'sign_in_alert',
    make: (v) =>
      mail(
        `New login to ${v.service} from Chrome on Mac`,
        `${v.service.toLowerCase()}@mail.${v.service.toLowerCase()}.test`,
        `Hi,\n\nWe noticed a new login to your account from Lisbon, Portugal.\nIf this was you, you can ignore this message.`,
      ),
  },
  {
    rule: 'sign_in_alert',
    make: (v) =>
      mail(
        `Alerta de segurança: novo acesso à sua conta`,
        `seguranca@${v.service.toLowerCase()}.test`,
        `Olá,\n\nIdentificamos um novo acesso à sua conta a partir de um dispositivo Android em São Paulo.\nSe não foi você, altere sua senha.`,
      ),
  },
  {
    rule: 'sign_in_alert',
    make: (v) =>
      mail(
        `Nuevo inicio de sesión en ${v.service}`,
        `no-reply@${v.service.toLowerCase()}.test`,
        `Hola,\n\nDetectamos un nuevo inicio de sesión en tu cuenta desde Madrid, España.\nSi no fuiste tú, cambia tu contraseña.`,
      ),
  },
  {
    rule: 'two_step_verification',
    make: (v) =>
      mail(
        `2-Step Verification turned on`,
        `no-reply@accounts.${v.service.toLowerCase()}.test`,
        `2-Step Verification is now turned on for your ${v.service} Account.\nYou'll need your phone to sign in from new devices.`,
      ),
  },
  {
    rule: 'two_step_verification',
    make: (v) =>
      mail(
        `Two-factor authentication disabled on your account`,
        `noreply@${v.service.toLowerCase()}.test`,
        `Hi,\n\nTwo-factor authentication was disabled on your account. If you did not make this change, contact support.`,
      ),
  },
  {
    rule: 'two_step_verification',
    make: (v) =>
      mail(
        `Verificação em duas etapas ativada`,
        `no-reply@${v.service.toLowerCase()}.test`,
        `A verificação em duas etapas foi ativada na sua conta ${v.service}.`,
      ),
  },
  {
    rule: 'two_step_verification',
    make: (v) =>
      mail(
        `Verificación en dos pasos activada`,
        `no-reply@${v.service.toLowerCase()}.test`,
        `La verificación en dos pasos se ha activado en tu cuenta de ${v.service}.`,
      ),
  },
  {
    rule: 'bank_notice',
    make: (v) =>
      mail(
        `Your ${v.bank} statement is ready`,
        `alerts@${v.bank.toLowerCase().replace(/\W/g, '')}.test`,
        `Your monthly statement for the account ending in ${v.last4} is available in online banking.`,
      ),
  },
  {
    rule: 'bank_notice',
    make: (v) =>
      mail(
        `Você recebeu um Pix de ${v.person}`,
        `todomundo@nubank.test`,
        `Você recebeu um Pix de R$ ${v.amount} de ${v.person}.\nO valor já está disponível na sua conta.\n\nSe você não reconhece esta transação, fale com a gente.`,
      ),
  },
  {
    rule: 'bank_notice',
    make: (v) =>
      mail(
        `Compra aprovada no cartão final ${v.last4}`,
        `avisos@${v.bank.toLowerCase().replace(/\W/g, '')}.test`,
        `Compra aprovada de R$ ${v.amount} no cartão final ${v.last4}, em ${v.dia}.`,
      ),
  },
  {
    rule: 'bank_notice',
    make: (v) =>
      mail(
        `Has recibido una transferencia`,
        `notificaciones@${v.bank.toLowerCase().replace(/\W/g, '')}.test`,
        `Has recibido una transferencia de ${v.amount} EUR en tu cuenta terminada en ${v.last4}.`,
      ),
  },
  {
    rule: 'bank_notice',
    make: (v) =>
      mail(
        `Low balance alert`,
        `alerts@${v.bank.toLowerCase().replace(/\W/g, '')}.test`,
        `Your available balance in the account ending in ${v.last4} is below $100.`,
      ),
  },
  {
    rule: 'payroll',
    make: (v) =>
      mail(
        `Your payslip for ${v.day === 'Monday' ? 'March' : 'April'} is available`,
        `noreply@payroll.${v.company.toLowerCase().replace(/\W/g, '')}.test`,
        `Hi ${v.person},\n\nYour payslip is ready. Net pay: $${v.amount}.`,
      ),
  },
  {
    rule: 'payroll',
    make: (v) =>
      mail(
        `Holerite disponível - ${v.company}`,
        `rh@empresa.test`,
        `Olá ${v.person},\n\nSeu holerite do mês já está disponível no portal. Salário líquido: R$ ${v.amount}.`,
      ),
  },
  {
    rule: 'payroll',
    make: (v) =>
      mail(
        `Tu recibo de nómina de marzo`,
        `rrhh@empresa.test`,
        `Hola ${v.person},\n\nYa puedes consultar tu recibo de nómina. Sueldo neto: ${v.amount} EUR.`,
      ),
  },
];

export function generate<T>(count: number, seed: number, make: (v: Vocab, i: number) => T): T[] {
  const rand = seeded(seed);
  return Array.from({ length: count }, (_, i) => make(pickVocab(rand), i));
}
