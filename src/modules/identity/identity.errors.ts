import { defineErrors } from '../../shared/errors.js';

export const IdentityErrors = defineErrors({
  LOGIN_FAILED: {
    status: 401,
    es: 'Correo o contraseña incorrectos.',
    en: 'Wrong e-mail or password.',
  },
  LOGIN_THROTTLED: {
    status: 429,
    es: 'Demasiados intentos fallidos. Espera {retryAfterSeconds} segundos e inténtalo de nuevo.',
    en: 'Too many failed attempts. Wait {retryAfterSeconds} seconds and try again.',
  },
  USER_DISABLED: { status: 403, es: 'Este usuario está desactivado.', en: 'This user is disabled.' },
  USER_NOT_FOUND: { status: 404, es: 'No existe ese usuario.', en: 'No such user.' },
  SETUP_TOKEN_INVALID: {
    status: 403,
    es: 'El código de instalación no es el que mostró la consola del servidor al arrancar.',
    en: 'The setup code is not the one the server console showed at start.',
  },
  SETUP_DONE: {
    status: 409,
    es: 'Este Mostrador ya tiene un negocio: inicia sesión (o agrega otro negocio desde la línea de comandos).',
    en: 'This Mostrador already has a business: sign in (or add another one from the command line).',
  },
  USER_EMAIL_DUPLICATE: {
    status: 409,
    es: 'Ya hay un usuario con ese correo.',
    en: 'A user with this e-mail already exists.',
  },
  PASSWORD_CURRENT_WRONG: {
    status: 422,
    es: 'La contraseña actual no es correcta.',
    en: 'The current password is wrong.',
  },
  PASSWORD_UNCHANGED: {
    status: 422,
    es: 'La contraseña nueva debe ser distinta de la actual.',
    en: 'The new password must differ from the current one.',
  },
  PASSWORD_TOO_WEAK: {
    status: 422,
    es: 'La contraseña debe tener al menos 8 caracteres.',
    en: 'The password must be at least 8 characters long.',
  },
  API_TOKEN_NOT_FOUND: { status: 404, es: 'No existe ese token de API.', en: 'No such API token.' },
  LOCATION_NOT_FOUND: { status: 404, es: 'No existe esa sucursal o almacén.', en: 'No such location.' },
  BUSINESS_RFC_INVALID: {
    status: 422,
    es: 'El RFC {rfc} no tiene un formato válido (12 caracteres persona moral, 13 persona física).',
    en: 'RFC {rfc} is not well formed (12 characters for a company, 13 for a person).',
  },
  BUSINESS_REGIMEN_INVALID: {
    status: 422,
    es: 'El régimen fiscal {regimen} no existe en el catálogo del SAT o no aplica a este tipo de RFC.',
    en: 'Tax regime {regimen} is not in SAT catalog or does not apply to this kind of RFC.',
  },
  TIMEZONE_INVALID: {
    status: 422,
    es: 'La zona horaria {timezone} no existe (ejemplo: America/Mexico_City).',
    en: 'Unknown time zone {timezone} (example: America/Mexico_City).',
  },
  LAST_OWNER: {
    status: 422,
    es: 'El negocio necesita al menos un usuario dueño activo.',
    en: 'The business needs at least one active owner.',
  },
});
