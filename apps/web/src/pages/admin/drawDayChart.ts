import type { UsageDay } from '@conclave/protocol';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { dateText } from './reportPeriod';

// Only what the usage charts draw, so the bundle keeps no more of chart.js than that.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

export type DayChartKind = 'minutes' | 'counts';

/** The page's own colours (styles/base.css), which a canvas cannot take from CSS. */
const BRAND = '#4f46e5';
const TEAL = '#0f766e';
const TEXT_MUTED = '#5f6672';

/**
 * Draws the days of a usage report (ADM-USAGE) on `canvas`: minutes as bars, or meetings and
 * participants as lines. Still, without animation, for someone who asked for reduced motion.
 */
export function drawDayChart(canvas: HTMLCanvasElement, days: readonly UsageDay[], kind: DayChartKind) {
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const labels = days.map((d) => dateText(d.date, 'short'));
  const options: ChartOptions<'bar' | 'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    ...(reduced && { animation: false }),
    interaction: { mode: 'index', intersect: false },
    color: TEXT_MUTED,
    font: { family: getComputedStyle(canvas).fontFamily },
    scales: {
      x: { ticks: { color: TEXT_MUTED }, grid: { display: false } },
      y: { beginAtZero: true, ticks: { color: TEXT_MUTED, ...(kind === 'counts' && { precision: 0 }) } },
    },
    plugins: { legend: { display: kind === 'counts', labels: { color: TEXT_MUTED } } },
  };
  if (kind === 'minutes') {
    return new Chart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [{ label: 'Minutes', data: days.map((d) => d.minutes), backgroundColor: BRAND }],
      },
      options,
    });
  }
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'Meetings',
          data: days.map((d) => d.meetings),
          borderColor: BRAND,
          backgroundColor: BRAND,
        },
        {
          label: 'Participants',
          data: days.map((d) => d.participants),
          borderColor: TEAL,
          backgroundColor: TEAL,
          borderDash: [6, 4],
        },
      ],
    },
    options,
  });
}
