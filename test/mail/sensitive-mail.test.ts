import { describe, expect, it } from 'vitest';
import {
  classifySensitiveMail,
  type MailToClassify,
  SENSITIVE_RULES,
  type SensitiveRule,
} from '../../src/mail/sensitive-mail.ts';
import { growth } from '../support/time-bounds.ts';
import { businessTemplates, generate, sensitiveTemplates } from './sensitive-corpus.ts';

const m = (subject: string, from: string, text: string): MailToClassify => ({
  subject,
  from,
  text,
});

// The examples that prove each rule, as the services send them.
const examples: Record<SensitiveRule, MailToClassify[]> = {
  one_time_code: [
    m(
      'G-482913 is your Google verification code',
      'noreply@google.test',
      'G-482913 is your Google verification code.',
    ),
    m(
      'Your Microsoft account security code',
      'account-security-noreply@accountprotection.microsoft.test',
      "Please use the following security code for the Microsoft account ab***@outlook.test.\n\nSecurity code: 7730512\n\nIf you don't recognize the Microsoft account, you can click here to remove your email address.",
    ),
    m(
      '[GitHub] Please verify your device',
      'noreply@github.test',
      'Hey ana!\n\nA sign in attempt requires further verification because we did not recognize your device. To complete the sign in, enter the verification code on the unrecognized device.\n\nVerification code: 918273',
    ),
    m(
      'Seu código de acesso único',
      'nao-responda@banco.test',
      'Olá! Seu código de verificação é 804 122. Não compartilhe este código com ninguém.',
    ),
    m(
      'Código de verificación',
      'no-reply@mercadopago.test',
      'Tu código de verificación es 55190. Vence en 5 minutos.',
    ),
    m(
      'Slack confirmation code: 382-119',
      'feedback@slack.test',
      "Your confirmation code is below — enter it in your open browser window and we'll help you get signed in.\n\n382-119",
    ),
    m(
      'Your one-time password',
      'alerts@bank.test',
      'Your one-time password (OTP) for the transaction is 6612. Valid for 3 minutes.',
    ),
    m(
      'Código de confirmação',
      'no-reply@app.test',
      'Seu código de confirmação é 482913. Ele expira em 5 minutos.',
    ),
  ],
  password_reset: [
    m(
      'Reset your password',
      'no-reply@dropbox.test',
      "Hi Ana,\n\nSomeone requested a new password for your Dropbox account. Reset password.\nIf you didn't make this request, just ignore this email.",
    ),
    m(
      'Your Apple ID password has been reset',
      'no_reply@email.apple.test',
      'Dear Ana,\n\nThe password for your Apple ID was reset on 4 March.',
    ),
    m(
      'Password change notification',
      'security@service.test',
      'Your password was changed. If you did not make this change, contact us.',
    ),
    m(
      'Redefinição de senha solicitada',
      'naoresponda@loja.test',
      'Olá, recebemos um pedido para redefinir a senha da sua conta.',
    ),
    m(
      'Sua senha foi alterada',
      'no-reply@servico.test',
      'A senha da sua conta foi alterada hoje às 10:02. Se não foi você, fale conosco.',
    ),
    m(
      'Restablece tu contraseña',
      'no-reply@tienda.test',
      'Hola, para restablecer tu contraseña haz clic en el enlace. Si no lo solicitaste, ignora este correo.',
    ),
    m(
      'Aviso',
      'no-reply@servicio.test',
      '¿Olvidaste tu contraseña? Haz clic aquí para crear una nueva.',
    ),
  ],
  sign_in_alert: [
    m(
      'Security alert',
      'no-reply@accounts.google.test',
      'A new sign-in on Windows\n\nana@gmail.test\nWe noticed a new sign-in to your Google Account on a Windows device.',
    ),
    m(
      'Critical security alert',
      'no-reply@accounts.google.test',
      'Someone knows your password. Google prevented someone from signing in.',
    ),
    m(
      'Unusual sign-in activity',
      'account-security-noreply@accountprotection.microsoft.test',
      'We detected something unusual about a recent sign-in to the Microsoft account.',
    ),
    m(
      'Was this you?',
      'security@service.test',
      'Someone signed in to your account from Chrome on Linux.',
    ),
    m(
      'Novo login na sua conta',
      'seguranca@app.test',
      'Detectamos um novo login na sua conta a partir de um iPhone.',
    ),
    m(
      'Aviso',
      'no-reply@app.test',
      'Alguém acessou sua conta de um novo dispositivo. Se não foi você, altere sua senha.',
    ),
    m(
      'Alerta de seguridad: nuevo inicio de sesión',
      'no-reply@app.test',
      'Hubo un nuevo inicio de sesión en tu cuenta desde un dispositivo Android.',
    ),
  ],
  two_step_verification: [
    m(
      '2-Step Verification turned off',
      'no-reply@accounts.google.test',
      '2-Step Verification is now turned off for your account.',
    ),
    m(
      '[GitHub] Two-factor authentication enabled',
      'noreply@github.test',
      'You have enabled two-factor authentication. Keep your recovery codes safe.',
    ),
    m(
      'Save your backup codes',
      'no-reply@service.test',
      'Here are your backup codes for signing in without your phone.',
    ),
    m(
      'Autenticação de dois fatores desativada',
      'no-reply@servico.test',
      'A autenticação de dois fatores foi desativada na sua conta.',
    ),
    m(
      'Verificación en dos pasos desactivada',
      'no-reply@servicio.test',
      'La verificación en dos pasos ha sido desactivada en tu cuenta.',
    ),
  ],
  bank_notice: [
    m(
      'Your Chase statement is ready',
      'no.reply.alerts@chase.test',
      'Your statement for the account ending in 4411 is now available.',
    ),
    m(
      'Direct deposit received',
      'alerts@bank.test',
      'A direct deposit of $3,250.00 was posted to your checking account ending in 0932.',
    ),
    m('Pix recebido', 'comunicados@banco.test', 'Você recebeu um Pix de R$ 150,00 de João Souza.'),
    m(
      'Fatura do cartão fechada',
      'avisos@banco.test',
      'A fatura do seu cartão final 1234 fechou em R$ 2.310,55.',
    ),
    m(
      'Extracto de tu cuenta disponible',
      'notificaciones@bbva.test',
      'Ya puedes consultar el extracto de tu cuenta terminada en 7781.',
    ),
    m(
      'Compra aprobada',
      'alertas@galicia.test',
      'Compra aprobada con tu tarjeta terminada en 5521 por $ 12.300.',
    ),
  ],
  payroll: [
    m('Your payslip for March is available', 'noreply@adp.test', 'Your payslip is ready to view.'),
    m('Your W-2 is ready', 'noreply@gusto.test', 'Your W-2 for 2025 is ready to download.'),
    m(
      'Holerite de março',
      'rh@empresa.test',
      'Seu holerite de março está disponível no portal do colaborador.',
    ),
    m('Contracheque disponível', 'no-reply@folha.test', 'Seu contracheque já pode ser consultado.'),
    m(
      'Recibo de nómina - marzo',
      'rrhh@empresa.test',
      'Adjuntamos tu recibo de nómina del mes de marzo.',
    ),
  ],
  sign_in_link: [
    m(
      'Your magic link for Notion',
      'notify@makenotion.test',
      'Click the link below to sign in.\nhttps://notion.test/login?token=Zk3q9ZkV2wLx7RbN1cYp8HsD',
    ),
    m(
      'Sign in to Slack',
      'ana@vendor.test',
      'Here is your sign-in link: https://slack.test/z/Qw8e7r6t5y4u3i2o1p0a?x=1 It expires in 24 hours.',
    ),
    m(
      'Acesse sua conta',
      'contato@loja.test',
      'Clique aqui para entrar: https://loja.test/auth/token/AbCdEfGhIjKlMnOpQrSt',
    ),
  ],
};

describe('classifySensitiveMail, rule by rule', () => {
  it('when the rules are listed, then each has examples', () => {
    expect(Object.keys(examples).sort()).toEqual([...SENSITIVE_RULES].sort());
  });

  for (const rule of SENSITIVE_RULES) {
    it.each(examples[rule])(
      `when a mail is like "$subject", then rule ${rule} keeps it out`,
      (mail) => {
        expect(classifySensitiveMail(mail)).toEqual({ sensitive: true, rule });
      },
    );
  }
});

describe('classifySensitiveMail on corpora', () => {
  const business = generate(480, 16, (v, i) =>
    businessTemplates[i % businessTemplates.length]?.(v),
  );
  const sensitive = generate(300, 18, (v, i) => {
    const template = sensitiveTemplates[i % sensitiveTemplates.length];
    return template && { rule: template.rule, mail: template.make(v) };
  });

  it('when 480 ordinary business mails are classified, then at most 1 in 200 is held back', () => {
    const flagged = business.filter((mail) => mail && classifySensitiveMail(mail).sensitive);
    expect(business.length).toBeGreaterThanOrEqual(400);
    const subjects = flagged.map((f) => f?.subject).join(' | ');
    expect(flagged.length / business.length, subjects).toBeLessThanOrEqual(1 / 200);
  });

  it('when 300 security and personal mails are classified, then at least 95 % are caught', () => {
    const missed = sensitive.filter((s) => s && !classifySensitiveMail(s.mail).sensitive);
    expect(
      missed.length / sensitive.length,
      JSON.stringify(missed.slice(0, 5)),
    ).toBeLessThanOrEqual(0.05);
  });

  it('when a security mail is forwarded in a reply thread by a person, then it is discussed, not held', () => {
    const mail = m(
      'Re: Reset your password',
      'Ana <ana@client.test>',
      'Is this email from you? It asks me to reset my password.',
    );
    expect(classifySensitiveMail(mail)).toEqual({ sensitive: false });
  });

  it('when the Auto-Submitted header marks a system mail, then body wording is enough', () => {
    const mail = { ...m('Notice', 'team@service.test', 'Your password was changed today.') };
    expect(classifySensitiveMail(mail).sensitive).toBe(false);
    const auto = { ...mail, headers: { 'auto-submitted': 'auto-generated' } };
    expect(classifySensitiveMail(auto)).toEqual({ sensitive: true, rule: 'password_reset' });
  });

  it('when a hostile mail has a megabyte subject and body, then it is classified from their starts', () => {
    const huge = 'your verification code '.repeat(50_000);
    expect(classifySensitiveMail(m(huge, 'a'.repeat(1_000_000), huge)).sensitive).toBe(true);
    const plain = 'a1 '.repeat(400_000);
    expect(classifySensitiveMail(m(plain, plain, plain))).toEqual({ sensitive: false });
  });
});

// Issue 27 #7: what the guard missed in the red team's second pass.
describe('classifySensitiveMail reads all a reader would see', () => {
  const ordinary = m('Hello', 'Ana <ana@client.test>', 'Hi, see the message below.');

  it('when a code and a reset link are only in the HTML body, then the guard sees them', () => {
    const html =
      '<p>Your verification code is <b>482913</b></p><a href="https://acme.test/reset?token=Zk3q9ZkV2wLx7RbN1cYp8HsD">Reset your password</a>';
    expect(classifySensitiveMail({ ...ordinary, text: '', html })).toEqual({
      sensitive: true,
      rule: 'one_time_code',
    });
  });

  it('when a magic link is only in an HTML button, then the guard sees it', () => {
    const html =
      '<p>Click the button below to sign in.</p><a href="https://app.test/magic?token=AbCdEfGhIjKlMnOpQrStUv">Sign in</a>';
    expect(classifySensitiveMail({ ...ordinary, text: 'Welcome back!', html })).toEqual({
      sensitive: true,
      rule: 'sign_in_link',
    });
  });

  it('when the code is past the first 4,000 characters of the text, then it is still read', () => {
    const text = `${'Weekly digest. '.repeat(1_000)}\nYour verification code is 482913.`;
    expect(classifySensitiveMail({ ...ordinary, text }).rule).toBe('one_time_code');
  });

  it.each([
    ['passcode', 'Your passcode is 739201'],
    ['PIN', 'Your PIN: 4821'],
    ['"Your code:"', 'Your code: 739201'],
    ['zero-width characters inside the words', 'Your veri\u200Bfication co\u2060de is 739201'],
    ['a soft hyphen inside a word', 'Your verifi\u00ADcation code is 739201'],
  ])('when the code is named by %s, then the guard sees it', (_, text) => {
    expect(classifySensitiveMail({ ...ordinary, text }).rule).toBe('one_time_code');
  });

  it("when only an attachment's name says payslip, then the guard sees it", () => {
    const mail = {
      ...m('March', 'noreply@adp.test', 'See attached.'),
      attachmentNames: ['Your payslip March.pdf'],
    };
    expect(classifySensitiveMail(mail).rule).toBe('payroll');
  });

  it('when business mail talks of code reviews, PINs on a map or a link to the deck, then it is not held', () => {
    for (const text of [
      'Your code review is at 1400 tomorrow.',
      'I will pin the roadmap on the channel.',
      'Here is the link to the deck: https://docs.test/d/1a2b3c',
    ]) {
      expect(classifySensitiveMail({ ...ordinary, text })).toEqual({ sensitive: false });
    }
  });

  it.each([
    ['digits everywhere', (n: number) => '1 2 3 45 678 '.repeat(n / 13)],
    ['code words without codes', (n: number) => 'verification code pin passcode '.repeat(n / 32)],
    ['blank lines after code words', (n: number) => `your code${'\n \n'.repeat(n / 3)}`],
    ['links without tokens', (n: number) => 'magic link https://x.test/?token= '.repeat(n / 35)],
  ])('when 1 MB of text is %s, then it costs about what 100 KB does', (_, make) => {
    const g = growth(
      make,
      (text) => classifySensitiveMail({ ...ordinary, text, html: `<p>${text}</p>` }),
      100_000,
      1_000_000,
    );
    expect(g.ratio, JSON.stringify(g)).toBeLessThan(3 * g.factor);
  });
});
