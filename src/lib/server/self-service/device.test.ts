import { describe, expect, it } from 'vitest';
import {
	deviceFromRecord,
	deviceRecord,
	hotspotLoginLink,
	normalizeIpv4,
	normalizeMac,
	portalDevice,
	safeLink
} from './device';

describe('what MikroTik’s login page says about the device', () => {
	it('writes a MAC the way RouterOS prints it', () => {
		expect(normalizeMac('02:00:5e:10:00:01')).toBe('02:00:5E:10:00:01');
		expect(normalizeMac('02-00-5E-10-00-01')).toBe('02:00:5E:10:00:01');
		for (const bad of ['', '02:00:5e:10:00', '$(mac)', '02:00:5e:10:00:01;drop'])
			expect(normalizeMac(bad), bad).toBeNull();
	});

	it('takes a dotted IPv4 address and nothing else', () => {
		expect(normalizeIpv4('10.5.50.023')).toBe('10.5.50.23');
		for (const bad of ['10.5.50', '10.5.50.256', '::1', '$(ip)'])
			expect(normalizeIpv4(bad), bad).toBeNull();
	});

	it('lets only http(s) links through to a form action or a link', () => {
		expect(safeLink('http://10.5.50.1/login')).toBe('http://10.5.50.1/login');
		expect(safeLink('https://hotspot.nyota.co.ke/login?x=1')).toBe(
			'https://hotspot.nyota.co.ke/login?x=1'
		);
		for (const bad of [
			'javascript:alert(1)',
			'data:text/html,x',
			'//evil.example/',
			'http://a b/',
			'x'.repeat(2001)
		])
			expect(safeLink(bad), bad).toBeNull();
	});

	it('takes a hotspot login address only on the hotspot’s own network, where the password may go', () => {
		for (const good of [
			'http://10.5.50.1/login',
			'http://192.168.88.1/login',
			'http://172.20.0.1/login',
			'http://100.64.3.1/login',
			'http://hotspot/login',
			'http://wifi.nyota.lan/login',
			'https://login.home.arpa/login'
		])
			expect(hotspotLoginLink(good), good).toBe(good);
		for (const bad of [
			'https://evil.example/steal',
			'http://hotspot.nyota.co.ke/login',
			'http://8.8.8.8/login',
			'http://172.32.0.1/login',
			'http://10.5.50.1.evil.example/login',
			'http://lan.evil.example/',
			'javascript:alert(1)'
		])
			expect(hotspotLoginLink(bad), bad).toBeNull();
		const tampered = portalDevice((name) =>
			name === 'link-login-only' ? 'https://evil.example/steal' : null
		);
		expect(tampered.linkLoginOnly).toBeNull();
		expect(
			deviceFromRecord({ linkLoginOnly: 'https://evil.example/steal' }).linkLoginOnly
		).toBeNull();
	});

	it('reads the variables, leaves out what does not fit, and takes dst when link-orig is missing', () => {
		const query = new URLSearchParams({
			mac: '02:00:5e:10:00:01',
			ip: 'nope',
			'link-login-only': 'http://10.5.50.1/login',
			dst: 'http://example.com/'
		});
		const device = portalDevice((name) => query.get(name));
		expect(device).toEqual({
			mac: '02:00:5E:10:00:01',
			ip: null,
			linkLoginOnly: 'http://10.5.50.1/login',
			linkOrig: 'http://example.com/'
		});
		expect(deviceRecord(device)).toEqual({
			mac: '02:00:5E:10:00:01',
			linkLoginOnly: 'http://10.5.50.1/login',
			linkOrig: 'http://example.com/'
		});
		expect(deviceFromRecord(deviceRecord(device))).toEqual(device);
		expect(deviceFromRecord(null)).toEqual({
			mac: null,
			ip: null,
			linkLoginOnly: null,
			linkOrig: null
		});
	});
});
