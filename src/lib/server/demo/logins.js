// Plain JavaScript so that scripts/start.js can print the demo logins without a build step.
export const DEMO_PASSWORD = 'mtandao-demo';

export const DEMO_LOGINS = [
	{ who: 'Platform admin', login: 'admin@mtandao.local' },
	{ who: 'Manager, Nyota Net (ISP)', login: '0711000001' },
	{ who: 'Agent, Nyota Net', login: '0711000002' },
	{ who: 'Manager, Nyota Kondele (reseller)', login: '0711000003' },
	{ who: 'Manager, Pwani WiFi (ISP)', login: '0722000001' }
];
