// Libraries that only some requests need, loaded on first use (and then cached by Node), so
// the start-up path to /readyz does not wait for them. @simplewebauthn/server alone takes
// about 200 ms to load on a small NAS.
export const loadWebAuthn = () => import('@simplewebauthn/server')
export const loadOTP = () => import('otplib')
export const loadQRCode = () => import('qrcode')
export const loadBcrypt = () => import('bcryptjs')
